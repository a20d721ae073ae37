"""The clinic's front-desk console: call-back queue, conversation review, unanswered questions,
insights. Runs in its own virtual environment (console/.venv), reads Rasa's tracker store and the
call-back database through SQLAlchemy, keeps its own tables in CONSOLE_DB_URL.

Framework: Starlette + uvicorn. Rasa 3.6 pins Sanic 21.12 (out of support); the console needs no
Rasa, so it lives in its own environment on a small, actively maintained ASGI toolkit with a
synchronous test client (httpx), plain server-rendered Jinja2 templates (autoescaped) and no
JavaScript framework. Database work is synchronous SQLAlchemy run in Starlette's thread pool.
"""
