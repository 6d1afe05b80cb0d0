"""The web chat's entry points, kept here for ``bot serve`` and for code that imported them from bot.app.

The chat itself lives in bot/web/: controller.py (behaviour), render.py (Answer -> HTML), page.py (Gradio).
"""

from bot.web.controller import ChatController, Conversation
from bot.web.page import ChatBlocks, build_app, disclaimer_text, read_auth_file, serve, theme
from bot.web.render import answer_html, esc, question_html

__all__ = [
    "ChatBlocks", "ChatController", "Conversation", "answer_html", "build_app", "disclaimer_text", "esc",
    "question_html", "read_auth_file", "serve", "theme",
]
