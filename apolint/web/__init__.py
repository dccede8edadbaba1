"""`apolint serve`: a local web page that checks a draft as it is written, and `POST /api/check`.

Needs the `web` extra (Starlette, uvicorn); `apolint check` never imports this package."""
