"""The web chat: a controller (behaviour), a renderer (Answer -> HTML) and a Gradio page (layout only)."""
