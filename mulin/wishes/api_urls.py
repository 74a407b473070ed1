"""API v1 routes of the wish wall (included by mulin/api/urls.py under the "api" namespace).
One endpoint per action (actions.py), each with its own request schema."""

from django.urls import path

from mulin.wishes.apis import (
    WISH_ACTION_APIS,
    WishCategoryListApi,
    WishContactApi,
    WishDetailApi,
    WishListApi,
    WishTimeSlotListApi,
)

urlpatterns = [
    path("wishes/", WishListApi.as_view(), name="wishes"),
    path("wishes/categories/", WishCategoryListApi.as_view(), name="wish-categories"),
    path("wishes/time-slots/", WishTimeSlotListApi.as_view(), name="wish-time-slots"),
    path("wishes/<int:wish_id>/", WishDetailApi.as_view(), name="wish"),
    path("wishes/<int:wish_id>/contact/", WishContactApi.as_view(), name="wish-contact"),
    *(
        path(f"wishes/<int:wish_id>/{name}/", api.as_view(), name=f"wish-{name}")
        for name, api in WISH_ACTION_APIS.items()
    ),
]
