//! The OpenAPI description of every route: the areas' operations, plus what every operation
//! of a kind can answer (a malformed request, a missing session, an internal failure), each
//! error with the `{code, message, reason}` body.

use utoipa::Modify;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

/// Paths anyone may call without a session.
fn is_public(path: &str) -> bool {
    !path.starts_with("/api/")
        || path.starts_with("/api/public/")
        || path.starts_with("/api/verify")
        || matches!(
            path,
            "/api/health"
                | "/api/openapi.json"
                | "/api/auth/login"
                | "/api/auth/logout"
                | "/api/portal/sign-up"
        )
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ApiError")))
                .build(),
        )
        .build()
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error_response(description).into());
}

/// Adds the bearer scheme, and to each operation the errors every operation of its kind can
/// answer.
pub struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = is_public(path);
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let has_parameters = operation
                    .parameters
                    .as_ref()
                    .is_some_and(|parameters| !parameters.is_empty());
                if operation.request_body.is_some() {
                    add(operation, "400", "The request is malformed");
                    add(operation, "413", "The request is too large");
                } else if has_parameters {
                    add(
                        operation,
                        "400",
                        "A parameter is malformed or out of bounds",
                    );
                }
                if !public {
                    add(operation, "401", "No session, or the session has expired");
                    operation.security = Some(vec![SecurityRequirement::new(
                        "bearer",
                        Vec::<String>::new(),
                    )]);
                }
                add(operation, "500", "Internal failure; try again later");
            }
        }
    }
}

/// The description as served. A nullable value with a format (`["string", "null"]` with
/// `format: uuid`) becomes `oneOf` a formatted string or null: a format is only an annotation
/// on a multi-typed schema, so generators and validators would take any string there.
pub fn document(openapi: utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut value = serde_json::to_value(openapi).unwrap_or_default();
    split_nullable_formats(&mut value);
    value
}

fn split_nullable_formats(value: &mut serde_json::Value) {
    use serde_json::{Value, json};
    match value {
        Value::Object(map) => {
            let nullable_string =
                map.get("type") == Some(&json!(["string", "null"])) && map.contains_key("format");
            if nullable_string {
                let format = map.remove("format").unwrap_or(Value::Null);
                map.remove("type");
                let mut string = serde_json::Map::new();
                string.insert("type".into(), json!("string"));
                string.insert("format".into(), format);
                for key in ["pattern", "minLength", "maxLength"] {
                    if let Some(constraint) = map.remove(key) {
                        string.insert(key.into(), constraint);
                    }
                }
                map.insert(
                    "oneOf".into(),
                    json!([Value::Object(string), {"type": "null"}]),
                );
            }
            for child in map.values_mut() {
                split_nullable_formats(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(split_nullable_formats),
        _ => {}
    }
}
