"""Entry point: uvicorn serves `app` from this module (see `make run`)."""

from .app import create_app

app = create_app()
