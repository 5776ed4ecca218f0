//! The MNIST trainer's bindings (the page's MNIST objective): the digits, parsed once per
//! worker, and one training run stepped an epoch at a time, each epoch a promise.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{js_err, to_js, to_json};

/// The MNIST digits, parsed once per worker from the bytes of `mnist.bin` (see
/// `crate::trainer::data`); splits are cached so trials share them.
#[wasm_bindgen(js_name = MnistData)]
pub struct MnistData {
    mnist: crate::trainer::Mnist,
    splits: std::collections::HashMap<(usize, usize), MnistSplitInner>,
}

type MnistSplitInner = (std::sync::Arc<crate::trainer::Dataset>, std::sync::Arc<crate::trainer::Dataset>);

#[wasm_bindgen(js_class = MnistData)]
impl MnistData {
    /// Parses the file's bytes; a foreign or truncated file throws with the reason.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<MnistData, JsError> {
        let mnist = crate::trainer::Mnist::parse(bytes).map_err(js_err)?;
        Ok(MnistData { mnist, splits: Default::default() })
    }

    /// Digits in the file.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.mnist.len()
    }

    /// The gray levels (0–255, row-major 28×28) of digit `index`, to draw it.
    pub fn pixels(&self, index: usize) -> Result<Vec<u8>, JsError> {
        let f = self.mnist.features();
        self.mnist
            .pixels
            .get(index * f..(index + 1) * f)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| JsError::new(&format!("no digit {index}: the file has {}", self.mnist.len())))
    }
}

/// One training run ([`crate::trainer::Training`]) for JS: created with a config, stepped one
/// epoch at a time so that the objective can report and prune between epochs.
#[wasm_bindgen(js_name = MnistTrainer)]
pub struct MnistTrainer {
    // The promise of an epoch owns what it uses, so the run is shared with it, and taken out while
    // the epoch is in flight (a second call then says so instead of panicking).
    inner: Rc<RefCell<Option<crate::trainer::Training>>>,
}

fn busy() -> JsError {
    JsError::new("MnistTrainer: an epoch is still running; await it first")
}

#[wasm_bindgen(js_class = MnistTrainer)]
impl MnistTrainer {
    /// Starts a run; resolves to an `MnistTrainer`. `config` is a `TrainConfig` as JSON (`{mlp:
    /// {input, hidden, output, activation}, optimizer: {kind, lr, weight_decay, momentum?},
    /// batch_size, epochs, dropout, seed}`), trained on the first `train` / `validation` digits of
    /// `data`'s fixed split, by `backend`: "cpu", "webgpu" (any adapter, software ones included;
    /// rejects when there is none) or "auto" (WebGPU on a hardware adapter, else the CPU).
    pub fn create(
        data: &mut MnistData,
        train: usize,
        validation: usize,
        config: JsValue,
        backend: String,
    ) -> Result<js_sys::Promise, JsError> {
        let config: crate::trainer::TrainConfig = serde_json::from_value(to_json(&config)?)
            .map_err(|e| JsError::new(&format!("MnistTrainer: bad config: {e}")))?;
        let choice: crate::trainer::BackendChoice = serde_json::from_value(Value::String(backend.clone()))
            .map_err(|_| JsError::new(&format!("MnistTrainer: unknown backend \"{backend}\"")))?;
        let split = match data.splits.get(&(train, validation)) {
            Some(s) => s.clone(),
            None => {
                let (t, v) = data.mnist.split(train, validation).map_err(js_err)?;
                let s = (std::sync::Arc::new(t), std::sync::Arc::new(v));
                data.splits.insert((train, validation), s.clone());
                s
            }
        };
        let clock: crate::clock::Clock = Box::new(|| Some(js_sys::Date::now()));
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let training = crate::trainer::Training::new(config, choice, split.0, split.1, clock)
                .await
                .map_err(|e| JsValue::from(js_err(e)))?;
            Ok(MnistTrainer { inner: Rc::new(RefCell::new(Some(training))) }.into())
        }))
    }

    fn with<T>(&self, f: impl FnOnce(&crate::trainer::Training) -> T) -> Result<T, JsError> {
        self.inner.borrow().as_ref().map(f).ok_or_else(busy)
    }

    /// Trains one epoch; resolves to `{epoch, train_loss, validation_accuracy, train_seconds}`.
    pub fn epoch(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let mut t = inner.borrow_mut().take().ok_or_else(|| JsValue::from(busy()))?;
            let report = t.epoch().await;
            *inner.borrow_mut() = Some(t);
            to_js(&report.map_err(|e| JsValue::from(js_err(e)))?).map_err(JsValue::from)
        })
    }

    /// True once every configured epoch ran.
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> Result<bool, JsError> {
        self.with(|t| t.is_done())
    }

    /// What trains: "cpu" or "webgpu".
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> Result<String, JsError> {
        self.with(|t| t.backend_name().to_string())
    }

    /// The GPU adapter in use, as its driver names it; `undefined` on the CPU.
    #[wasm_bindgen(getter)]
    pub fn adapter(&self) -> Result<Option<String>, JsError> {
        self.with(|t| t.adapter().map(str::to_string))
    }

    /// Why "auto" trains on the CPU (no adapter, a software adapter, a device error); `undefined`
    /// when the choice was honoured.
    #[wasm_bindgen(getter, js_name = fallbackReason)]
    pub fn fallback_reason(&self) -> Result<Option<String>, JsError> {
        self.with(|t| t.fallback_reason().map(str::to_string))
    }

    /// Trainable parameters.
    #[wasm_bindgen(js_name = parameterCount)]
    pub fn parameter_count(&self) -> Result<usize, JsError> {
        self.with(|t| t.parameter_count())
    }

    /// Seconds spent in optimizer steps so far.
    #[wasm_bindgen(js_name = trainSeconds)]
    pub fn train_seconds(&self) -> Result<f64, JsError> {
        self.with(|t| t.train_seconds())
    }

    /// Up to `limit` validation digits the network gets wrong: `[{source, label, predicted}]`
    /// (`source` indexes `MnistData.pixels`).
    pub fn misclassified(&self, limit: usize) -> js_sys::Promise {
        let inner = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let mut t = inner.borrow_mut().take().ok_or_else(|| JsValue::from(busy()))?;
            let wrong = t.misclassified(limit).await;
            *inner.borrow_mut() = Some(t);
            to_js(&wrong.map_err(|e| JsValue::from(js_err(e)))?).map_err(JsValue::from)
        })
    }
}
