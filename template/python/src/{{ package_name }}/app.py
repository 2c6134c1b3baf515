"""Application factory: settings, database, routes, error handlers, lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import __version__
from .api.v1.router import api_router
from .core.config.settings import Settings, get_settings
from .core.database.database import Database
from .core.errors.exceptions import register_exception_handlers
from .core.utils.logger import configure_logging, get_logger

logger = get_logger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    logger.info("starting %s (%s)", settings.PROJECT_NAME, settings.ENVIRONMENT)
    yield
    await app.state.database.dispose()
    logger.info("database engine disposed")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.LOG_LEVEL)
    app = FastAPI(
        title=settings.PROJECT_NAME,
        version=__version__,
        lifespan=lifespan,
        openapi_url=f"{settings.API_V1_PREFIX}/openapi.json",
    )
    app.state.settings = settings
    app.state.database = Database(settings)
    register_exception_handlers(app)
    app.include_router(api_router, prefix=settings.API_V1_PREFIX)
    return app
