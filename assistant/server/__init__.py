"""The HTTP entry point: the FastAPI app and its admin routes, the middleware in front of them,
rate limits, feedback storage, server-sent events and the web page. It calls the core
(`assistant.pipeline.Assistant`) and is never imported by it."""
