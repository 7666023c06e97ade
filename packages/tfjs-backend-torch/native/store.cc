// The Node-API side of the torch backend: a table of ATen tensors by integer handle, which src/backend.ts keeps one
// of per tfjs tensor, and the calls that create, read, free and run kernels on them. Everything runs on the
// JavaScript thread; a handle's tensor lives until free() drops it from the table.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <napi.h>
#include <torch/version.h>

#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "ops.h"

namespace {

std::unordered_map<uint32_t, at::Tensor> tensors;
uint32_t nextHandle = 1;
at::Device device = at::kCPU;

uint32_t keep(at::Tensor tensor) {
  const uint32_t handle = nextHandle++;
  if (nextHandle == 0) nextHandle = 1;  // 0 means "no tensor" (an absent optional input)
  tensors.emplace(handle, std::move(tensor));
  return handle;
}

const at::Tensor& lookup(uint32_t handle) {
  const auto found = tensors.find(handle);
  if (found == tensors.end()) throw std::invalid_argument("no tensor has handle " + std::to_string(handle) + " (already freed?)");
  return found->second;
}

std::vector<int64_t> ints(const Napi::Value& value) {
  const auto array = value.As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t k = 0; k < out.size(); k++) out[k] = array.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

std::vector<double> floats(const Napi::Value& value) {
  const auto array = value.As<Napi::Array>();
  std::vector<double> out(array.Length());
  for (uint32_t k = 0; k < out.size(); k++) out[k] = array.Get(k).As<Napi::Number>().DoubleValue();
  return out;
}

size_t bytesPerElement(at::ScalarType type) { return type == at::kBool ? 1 : 4; }

/** ATen's errors without the C++ stack trace, which says nothing to a JavaScript caller. */
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, F body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& error) {
    throw Napi::Error::New(info.Env(), error.what_without_backtrace());
  } catch (const std::exception& error) {
    throw Napi::Error::New(info.Env(), error.what());
  }
}

// create(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: 0 | 1 | 2): handle
Napi::Value Create(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const auto values = info[0].As<Napi::TypedArray>();
    const auto type = mixent::scalarType(info[2].As<Napi::Number>().Int64Value());
    at::Tensor tensor = at::empty(ints(info[1]), at::TensorOptions().dtype(type));
    const size_t bytes = tensor.numel() * bytesPerElement(type);
    if (values.ByteLength() != bytes) {
      throw std::invalid_argument("create: " + std::to_string(values.ByteLength()) + " bytes of values for a tensor of " + std::to_string(bytes));
    }
    if (bytes > 0) std::memcpy(tensor.data_ptr(), static_cast<const uint8_t*>(values.ArrayBuffer().Data()) + values.ByteOffset(), bytes);
    return Napi::Number::New(info.Env(), keep(device.is_cpu() ? tensor : tensor.to(device)));
  });
}

// read(handle): a new typed array with the tensor's values, in tfjs' row-major order.
Napi::Value Read(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor tensor = lookup(info[0].As<Napi::Number>().Uint32Value()).to(at::kCPU).contiguous();
    const size_t count = tensor.numel();
    const auto env = info.Env();
    switch (tensor.scalar_type()) {
      case at::kFloat: {
        auto out = Napi::Float32Array::New(env, count);
        if (count > 0) std::memcpy(out.Data(), tensor.data_ptr(), count * 4);
        return out;
      }
      case at::kInt: {
        auto out = Napi::Int32Array::New(env, count);
        if (count > 0) std::memcpy(out.Data(), tensor.data_ptr(), count * 4);
        return out;
      }
      case at::kBool: {
        auto out = Napi::Uint8Array::New(env, count);
        if (count > 0) std::memcpy(out.Data(), tensor.data_ptr(), count);
        return out;
      }
      default:
        throw std::invalid_argument(std::string("read: a tensor of dtype ") + c10::toString(tensor.scalar_type()));
    }
  });
}

// free(handle): drops the handle; the memory goes when no other tensor views it.
Napi::Value Free(const Napi::CallbackInfo& info) {
  tensors.erase(info[0].As<Napi::Number>().Uint32Value());
  return info.Env().Undefined();
}

// run(kernel, inputHandles (0: absent), ints, floats, dtype (-1: as computed)): [[handle, dtype, ...shape], ...]
Napi::Value Run(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const std::string name = info[0].As<Napi::String>();
    const auto handles = ints(info[1]);
    mixent::Tensors inputs;
    inputs.reserve(handles.size());
    for (const int64_t handle : handles) inputs.push_back(handle == 0 ? at::Tensor() : lookup(static_cast<uint32_t>(handle)));
    const mixent::Attrs attrs{ints(info[2]), floats(info[3])};
    const int64_t dtype = info[4].As<Napi::Number>().Int64Value();
    mixent::Tensors outputs = mixent::run(name, inputs, attrs);
    const auto env = info.Env();
    auto result = Napi::Array::New(env, outputs.size());
    for (uint32_t k = 0; k < outputs.size(); k++) {
      at::Tensor out = std::move(outputs[k]);
      if (dtype >= 0 && out.scalar_type() != mixent::scalarType(dtype)) out = out.to(mixent::scalarType(dtype));
      auto entry = Napi::Array::New(env, out.dim() + 2);
      entry.Set(uint32_t(1), Napi::Number::New(env, static_cast<double>(mixent::dtypeCode(out.scalar_type()))));
      for (int64_t d = 0; d < out.dim(); d++) entry.Set(uint32_t(d + 2), Napi::Number::New(env, static_cast<double>(out.size(d))));
      entry.Set(uint32_t(0), Napi::Number::New(env, keep(std::move(out))));
      result.Set(k, entry);
    }
    return result;
  });
}

// stats(): { tensors, bytes }: live handles, and the bytes of the distinct storages they hold.
Napi::Value Stats(const Napi::CallbackInfo& info) {
  std::unordered_set<const void*> seen;
  double bytes = 0;
  for (const auto& [_, tensor] : tensors) {
    const auto& storage = tensor.storage();
    if (seen.insert(storage.unsafeGetStorageImpl()).second) bytes += static_cast<double>(storage.nbytes());
  }
  auto out = Napi::Object::New(info.Env());
  out.Set("tensors", Napi::Number::New(info.Env(), static_cast<double>(tensors.size())));
  out.Set("bytes", Napi::Number::New(info.Env(), bytes));
  return out;
}

// configure(device: 'cpu' | 'cuda', threads: number): chooses where new tensors go, and ATen's intra-op threads.
Napi::Value Configure(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const std::string name = info[0].As<Napi::String>();
    if (name == "cuda") {
      if (!at::hasCUDA()) throw std::invalid_argument("MIXENT_TORCH_DEVICE=cuda, but this libtorch has no CUDA or sees no GPU");
      device = at::Device(at::kCUDA, 0);
    } else if (name == "cpu") {
      device = at::kCPU;
    } else {
      throw std::invalid_argument("unknown device " + name + " (cpu or cuda)");
    }
    at::set_num_threads(static_cast<int>(info[1].As<Napi::Number>().Int32Value()));
    return info.Env().Undefined();
  });
}

// info(): what runs, for the backend's description.
Napi::Value Info(const Napi::CallbackInfo& info) {
  const auto env = info.Env();
  auto out = Napi::Object::New(env);
  out.Set("version", TORCH_VERSION);
  out.Set("device", device.is_cuda() ? "cuda" : "cpu");
  out.Set("threads", at::get_num_threads());
  out.Set("cuda", at::hasCUDA());
  out.Set("cudnn", at::hasCUDA() && at::globalContext().hasCuDNN());
  out.Set("mkldnn", at::hasMKLDNN());
  out.Set("openmp", at::globalContext().hasOpenMP());
  const auto names = mixent::names();
  auto kernels = Napi::Array::New(env, names.size());
  for (uint32_t k = 0; k < names.size(); k++) kernels.Set(k, names[k]);
  out.Set("kernels", kernels);
  return out;
}

// synchronize(): waits for the device's queued work (a copy back to the host orders after it).
Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  if (device.is_cuda()) at::zeros({1}, at::TensorOptions().device(device)).to(at::kCPU);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("create", Napi::Function::New(env, Create));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("stats", Napi::Function::New(env, Stats));
  exports.Set("configure", Napi::Function::New(env, Configure));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("synchronize", Napi::Function::New(env, Synchronize));
  return exports;
}

}  // namespace

NODE_API_MODULE(torch_backend, Init)
