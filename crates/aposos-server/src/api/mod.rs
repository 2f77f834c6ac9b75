//! The routes of the API, each with its OpenAPI description (`utoipa`), so the published
//! document and the mounted routes are made from the same list.

pub mod admin;
pub mod catalog;
pub mod diagnostics;
pub mod observations;
pub mod ops;
pub mod paging;
pub mod plans;
pub mod requests;
pub mod sites;
pub mod upload;

use crate::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The OpenAPI document's fixed parts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "APOSOS data-sharing platform",
        description = "Catalog, sites, observations, tracking requests, nightly plans and audit of the APOSOS optical space-object observation network. \
            Authenticate with `Authorization: Bearer <token>`; every error is RFC 9457 problem JSON.",
        license(name = "Apache-2.0")
    ),
    components(schemas(crate::problem::Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "catalog", description = "Element sets and SATCAT metadata"),
        (name = "sites", description = "The network's observation nodes"),
        (name = "observations", description = "Angle observations: upload with quality control, reads in IOD, TDM and JSON"),
        (name = "requests", description = "Tracking requests of the member states"),
        (name = "plans", description = "The nodes' nightly plans, versioned"),
        (name = "admin", description = "Audit and identity"),
        (name = "operations", description = "Health, readiness, metrics")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route with its description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(catalog::gp))
        .routes(routes!(catalog::gp_history))
        .routes(routes!(catalog::satcat))
        .routes(routes!(catalog::satcat_one))
        .routes(routes!(catalog::satcat_marking))
        .routes(routes!(upload::upload_elements))
        .routes(routes!(
            observations::upload_observations,
            observations::list_observations
        ))
        .routes(routes!(sites::list_sites))
        .routes(routes!(sites::get_site))
        .routes(routes!(sites::set_site_status))
        .routes(routes!(diagnostics::site_diagnostics))
        .routes(routes!(plans::get_plan, plans::publish_plan))
        .routes(routes!(requests::post_request, requests::list_requests))
        .routes(routes!(requests::get_request, requests::delete_request))
        .routes(routes!(admin::audit))
        .routes(routes!(admin::me))
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
}
