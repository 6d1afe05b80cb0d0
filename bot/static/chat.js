() => {
  // The chat page's behaviour in the browser. Runs once on load; everything it touches is on this page.
  const QUESTION = "#question textarea";

  // Screen readers: each message is named by its text, not by the HTML source Gradio puts in aria-label.
  const name = (el) => {
    const who = el.getAttribute("data-testid") === "user" ? "Your question: " : "Answer: ";
    const text = (el.innerText || "").replace(/\s+/g, " ").trim();
    return who + (text.length > 300 ? text.slice(0, 300) + "…" : text);
  };
  const relabel = () => {
    document.querySelectorAll('#chat [data-testid="user"][aria-label], #chat [data-testid="bot"][aria-label]')
      .forEach((el) => {
        const want = name(el);
        if (el.getAttribute("aria-label") !== want) el.setAttribute("aria-label", want);
      });
  };
  new MutationObserver(relabel).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["aria-label"],
  });

  // A citation marker [n] opens source n of its own answer and moves there.
  document.addEventListener("click", (event) => {
    const marker = event.target.closest && event.target.closest(".bot-marker");
    if (!marker) return;
    event.preventDefault();
    const answer = marker.closest(".bot-answer");
    const cite = [...marker.classList].find((c) => c.startsWith("bot-cite-"));
    const source = answer && cite && answer.querySelector(`details.bot-source.${cite}`);
    if (!source) return;
    source.open = true;
    const summary = source.querySelector("summary");
    source.scrollIntoView({ block: "nearest" });
    if (summary) summary.focus({ preventScroll: true });
  });

  // A paste longer than the box allows: say what was kept instead of cutting it silently.
  document.addEventListener("paste", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.closest("#question")) return;
    const limit = box.maxLength;
    const pasted = (event.clipboardData && event.clipboardData.getData("text")) || "";
    const room = limit - (box.value.length - (box.selectionEnd - box.selectionStart));
    const note = document.querySelector("#bot-paste-note .bot-paste-text");
    if (!note || limit <= 0) return;
    note.textContent = pasted.length > room
      ? `Your text was cut to the first ${limit} characters, the most a question can have: ` +
        "the box shows what will be asked."
      : "";
  }, true);

  // Marks that the handlers above are in place: Gradio runs this script after the page is drawn, so the
  // box can be on screen a moment before a paste is noticed (the browser tests wait for this mark).
  document.documentElement.setAttribute("data-bot-ready", "");
}
