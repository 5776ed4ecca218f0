//! The clock seam: the engine asks for "now" through a function it is given, because in wasm the
//! time comes from the browser (`Date.now()`, passed in by the bindings) and the engine must not
//! import browser APIs.

/// Milliseconds since the Unix epoch, or `None` where no clock is available.
pub type Clock = Box<dyn Fn() -> Option<f64>>;

/// The platform's clock: `SystemTime` natively; none in wasm until the bindings supply one
/// (calling `SystemTime::now` there panics).
pub fn system_clock() -> Clock {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Box::new(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs_f64() * 1000.0)
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        Box::new(|| None)
    }
}
