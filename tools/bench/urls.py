"""The product's URLs plus the benchmark floors (mounted by config.settings.bench only)."""

from django.urls import path

from config.urls import handler403, handler404
from config.urls import urlpatterns as product_urlpatterns
from tools.bench import views

urlpatterns = [
    path("bench/floor/constant/", views.floor_constant_view, name="bench_floor_constant"),
    path("bench/floor/rows/", views.floor_rows_view, name="bench_floor_rows"),
    *product_urlpatterns,
]
__all__ = ["handler403", "handler404", "urlpatterns"]
