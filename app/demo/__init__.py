"""A deterministic synthetic IOP program for exploring the app and measuring it at scale."""

from app.demo.generator import DemoRefused, DemoShape, DemoSummary, generate_demo

__all__ = ["DemoRefused", "DemoShape", "DemoSummary", "generate_demo"]
