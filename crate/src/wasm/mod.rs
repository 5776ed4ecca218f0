//! JS bindings (wasm32 only). They translate and nothing more: JS values to engine types through
//! JSON, engine errors to JS `Error`s carrying the engine's message, and the browser's clock into
//! the engine's clock seam. The typed JS wrapper (`createStudy`, `optimize`) is built on these.
//!
//! Two halves, each behind its own Cargo feature, because the page ships them as two modules: the
//! study's ([`study`], feature `wasm`), which every page fetches before its first trial, and the
//! MNIST trainer's ([`trainer`], feature `wasm-trainer`: candle and wgpu, most of the bytes),
//! fetched only when an MNIST objective runs. A library user may enable both.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::Error;

#[cfg(feature = "wasm")]
pub mod study;
#[cfg(feature = "wasm-trainer")]
pub mod trainer;

#[cfg(feature = "wasm")]
pub use study::*;
#[cfg(feature = "wasm-trainer")]
pub use trainer::{MnistData, MnistTrainer};

fn js_err(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

fn to_json(v: &JsValue) -> Result<Value, JsError> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    let text: String =
        js_sys::JSON::stringify(v).map_err(|_| JsError::new("value cannot be converted to JSON"))?.into();
    serde_json::from_str(&text).map_err(|e| js_err(e.into()))
}

fn to_js(v: &impl serde::Serialize) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(v).map_err(|e| js_err(e.into()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("internal: engine produced invalid JSON"))
}
