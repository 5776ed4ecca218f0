//! Buffer plumbing for the WebGPU backend: storage buffers, small uniform blocks, and reading a
//! buffer back to the host, which WebGPU only allows through an asynchronous map.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use wgpu::util::DeviceExt;

use crate::error::{Error, Result};

/// A storage buffer of `len` f32 (or u32) values, zeroed, usable by kernels and as a copy source
/// and destination.
pub(super) fn storage(device: &wgpu::Device, label: &str, len: usize) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        // WebGPU refuses zero-sized bindings; a 1-element buffer stands in for an empty one.
        size: (len.max(1) * 4) as u64,
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// A storage buffer holding `data`.
pub(super) fn storage_with(device: &wgpu::Device, label: &str, data: &[f32]) -> wgpu::Buffer {
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytemuck::cast_slice(data),
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
    })
}

/// A uniform block of 32-bit words (a kernel's shape or hyperparameters), padded to 16 bytes.
pub(super) fn uniform(device: &wgpu::Device, label: &str, words: &[u32]) -> wgpu::Buffer {
    let mut padded = words.to_vec();
    padded.resize(words.len().div_ceil(4).max(1) * 4, 0);
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytemuck::cast_slice(&padded),
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
    })
}

/// A host-readable buffer of `bytes` bytes, the destination of the copies that [`read_f32`] maps.
pub(super) fn staging(device: &wgpu::Device, label: &str, bytes: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: bytes.max(4),
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// Reads the first `len` f32 of a [`staging`] buffer once the GPU has written it. Natively the
/// device is polled until the map completes; in the browser the map resolves a promise, which this
/// future awaits.
pub(super) async fn read_f32(device: &wgpu::Device, buffer: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
    let bytes = (len * 4) as u64;
    let slice = buffer.slice(0..bytes);
    let (sender, receiver) = oneshot();
    slice.map_async(wgpu::MapMode::Read, move |result| sender.send(result));
    #[cfg(not(target_arch = "wasm32"))]
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| Error::Training(format!("WebGPU: waiting for the GPU failed: {e}")))?;
    #[cfg(target_arch = "wasm32")]
    let _ = device;
    receiver.await.map_err(|e| Error::Training(format!("WebGPU: reading a buffer back failed: {e}")))?;
    let values = {
        let view =
            slice.get_mapped_range().map_err(|e| Error::Training(format!("WebGPU: mapping a buffer failed: {e}")))?;
        bytemuck::cast_slice::<u8, f32>(&view).to_vec()
    };
    buffer.unmap();
    Ok(values)
}

/// The smallest one-value channel from a `map_async` callback to the future awaiting it (natively
/// the callback runs inside `poll`, on the web from the event loop).
struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

struct Sender<T>(Arc<Mutex<Slot<T>>>);
struct Receiver<T>(Arc<Mutex<Slot<T>>>);

fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Mutex::new(Slot { value: None, waker: None }));
    (Sender(slot.clone()), Receiver(slot))
}

impl<T> Sender<T> {
    fn send(self, value: T) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        slot.value = Some(value);
        if let Some(waker) = slot.waker.take() {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match slot.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
