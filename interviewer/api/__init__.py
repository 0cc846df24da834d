"""The HTTP service (FastAPI): `create_app(services)` in app.py, `serve(...)` in serve.py."""
