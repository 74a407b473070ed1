"""API routes of work orders, included into the API's URL map (mulin/api/urls.py) under the "api"
namespace: one endpoint per lifecycle action."""

from django.urls import path

from mulin.workorders import apis

urlpatterns = [
    path("work-orders/", apis.WorkOrderListApi.as_view(), name="work-orders"),
    path("work-orders/<int:order_id>/", apis.WorkOrderDetailApi.as_view(), name="work-order"),
    path("work-orders/<int:order_id>/parties/", apis.WorkOrderPartiesApi.as_view(), name="work-order-parties"),
    path("work-orders/<int:order_id>/accept/", apis.AcceptApi.as_view(), name="work-order-accept"),
    path("work-orders/<int:order_id>/dispatch/", apis.DispatchApi.as_view(), name="work-order-dispatch"),
    path("work-orders/<int:order_id>/reassign/", apis.ReassignApi.as_view(), name="work-order-reassign"),
    path("work-orders/<int:order_id>/return/", apis.ReturnApi.as_view(), name="work-order-return"),
    path("work-orders/<int:order_id>/start/", apis.StartApi.as_view(), name="work-order-start"),
    path("work-orders/<int:order_id>/resolve/", apis.ResolveApi.as_view(), name="work-order-resolve"),
    path("work-orders/<int:order_id>/send-back/", apis.SendBackApi.as_view(), name="work-order-send-back"),
    path("work-orders/<int:order_id>/verify/", apis.VerifyApi.as_view(), name="work-order-verify"),
    path("work-orders/<int:order_id>/close/", apis.CloseApi.as_view(), name="work-order-close"),
    path("work-orders/<int:order_id>/close-unfixed/", apis.CloseUnfixedApi.as_view(), name="work-order-close-unfixed"),
    path("work-orders/<int:order_id>/reopen/", apis.ReopenApi.as_view(), name="work-order-reopen"),
    path("work-orders/<int:order_id>/rate/", apis.RateApi.as_view(), name="work-order-rate"),
    path("work-order-categories/", apis.CategoryListApi.as_view(), name="work-order-categories"),
    path("external-departments/", apis.DepartmentListApi.as_view(), name="external-departments"),
]
