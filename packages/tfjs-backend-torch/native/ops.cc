// The kernels, keyed by tfjs' kernel names. Layout is tfjs' (NHWC images, [h, w, in, out] filters); convolutions
// and pooling see NHWC data as NCHW tensors with channels-last strides, so ATen runs them without copying
// activations. Outputs are new tensors or views of inputs: no kernel writes into a tensor it did not create.
#include "ops.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace mixent {

std::vector<int64_t> Attrs::slice(size_t from, size_t n) const {
  if (from + n > ints.size()) throw std::invalid_argument("kernel attributes: too few integers");
  return std::vector<int64_t>(ints.begin() + from, ints.begin() + from + n);
}

at::ScalarType scalarType(int64_t code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kInt;
    case 2: return at::kBool;
    default: throw std::invalid_argument("unknown dtype code " + std::to_string(code));
  }
}

int64_t dtypeCode(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return 0;
    case at::kInt: return 1;
    case at::kBool: return 2;
    default: throw std::invalid_argument(std::string("a kernel made a tensor of dtype ") + c10::toString(type));
  }
}

namespace {

using Kernel = std::function<Tensors(const Tensors&, const Attrs&)>;
using Unary = std::function<at::Tensor(const at::Tensor&)>;
using Binary = std::function<at::Tensor(const at::Tensor&, const at::Tensor&)>;

at::Tensor nchw(const at::Tensor& x) { return x.permute({0, 3, 1, 2}); }
at::Tensor nhwc(const at::Tensor& x) { return x.permute({0, 2, 3, 1}); }

/** A tfjs filter [h, w, in, out] as ATen's [out, in, h, w], channels-last like the activations. */
at::Tensor filter(const at::Tensor& w) {
  return w.permute({3, 2, 0, 1}).contiguous(at::MemoryFormat::ChannelsLast);
}

/** Strides, dilations and the four pads of a 2-D window, from ints[at, at + 8). */
struct Window {
  int64_t sh, sw, dh, dw, top, bottom, left, right;
  Window(const Attrs& a, size_t at)
      : sh(a.i(at)), sw(a.i(at + 1)), dh(a.i(at + 2)), dw(a.i(at + 3)),
        top(a.i(at + 4)), bottom(a.i(at + 5)), left(a.i(at + 6)), right(a.i(at + 7)) {}
  /** ATen's windows pad both sides alike; tfjs' 'same' can pad one more row at the bottom or right. */
  bool symmetric() const { return top == bottom && left == right; }
  std::vector<int64_t> padding() const { return symmetric() ? std::vector<int64_t>{top, left} : std::vector<int64_t>{0, 0}; }
  /** Pads an NCHW tensor explicitly when ATen's symmetric padding cannot express it. */
  at::Tensor pad(const at::Tensor& x, double value) const {
    return symmetric() ? x : at::constant_pad_nd(x, {left, right, top, bottom}, value);
  }
  /** Cuts a gradient with respect to the explicitly padded input back to the input's size. */
  at::Tensor crop(const at::Tensor& dx, int64_t h, int64_t w) const {
    return symmetric() ? dx : dx.narrow(2, top, h).narrow(3, left, w);
  }
};

/** The activations of tfjs' fused kernels, by the codes of src/kernels/nn.ts. */
at::Tensor activate(const at::Tensor& y, int64_t code, const at::Tensor& preluWeights, double alpha) {
  switch (code) {
    case 0: return y;
    case 1: return at::relu(y);
    case 2: return at::hardtanh(y, 0, 6);
    case 3: return at::elu(y);
    case 4: return at::leaky_relu(y, alpha);
    case 5: return at::where(y < 0, y * preluWeights, y);
    case 6: return at::sigmoid(y);
    default: throw std::invalid_argument("unknown activation code " + std::to_string(code));
  }
}

// ---- convolutions and pooling ----

// FusedConv2D / Conv2D: x, filter, bias?, prelu weights?; ints: window, activation; floats: leaky alpha.
Tensors conv2d(const Tensors& in, const Attrs& a) {
  const Window win(a, 0);
  const at::Tensor& bias = in.size() > 2 ? in[2] : at::Tensor();
  const int64_t out = in[1].size(3);
  const bool biasPerChannel = bias.defined() && bias.dim() == 1 && bias.size(0) == out;
  at::Tensor y = at::conv2d(win.pad(nchw(in[0]), 0), filter(in[1]), biasPerChannel ? bias : at::Tensor(),
                            {win.sh, win.sw}, win.padding(), {win.dh, win.dw}, 1);
  y = nhwc(y);
  if (bias.defined() && !biasPerChannel) y = y + bias;
  return {activate(y, a.ints.size() > 8 ? a.i(8) : 0, in.size() > 3 ? in[3] : at::Tensor(), a.floats.empty() ? 0.2 : a.f(0))};
}

// Conv2DBackpropInput: dy, filter; ints: the input's shape [n, h, w, c], window.
Tensors conv2dBackpropInput(const Tensors& in, const Attrs& a) {
  const auto shape = a.slice(0, 4);
  const Window win(a, 4);
  const int64_t h = shape[1] + (win.symmetric() ? 0 : win.top + win.bottom);
  const int64_t w = shape[2] + (win.symmetric() ? 0 : win.left + win.right);
  // Only the input's shape and memory format are read.
  const at::Tensor input = at::empty({shape[0], shape[3], h, w}, in[0].options().memory_format(at::MemoryFormat::ChannelsLast));
  const auto grads = at::convolution_backward(nchw(in[0]), input, filter(in[1]), c10::nullopt, {win.sh, win.sw},
                                              win.padding(), {win.dh, win.dw}, false, {0, 0}, 1, {true, false, false});
  return {nhwc(win.crop(std::get<0>(grads), shape[1], shape[2]))};
}

// Conv2DBackpropFilter: x, dy; ints: the filter's shape [h, w, in, out], window.
Tensors conv2dBackpropFilter(const Tensors& in, const Attrs& a) {
  const auto shape = a.slice(0, 4);
  const Window win(a, 4);
  // Only the filter's shape and memory format are read.
  const at::Tensor weight = at::empty({shape[3], shape[2], shape[0], shape[1]}, in[0].options().memory_format(at::MemoryFormat::ChannelsLast));
  const auto grads = at::convolution_backward(nchw(in[1]), win.pad(nchw(in[0]), 0), weight, c10::nullopt, {win.sh, win.sw},
                                              win.padding(), {win.dh, win.dw}, false, {0, 0}, 1, {false, true, false});
  return {std::get<1>(grads).permute({2, 3, 1, 0}).contiguous()};
}

// MaxPool: x; ints: filter [h, w], window (dilations 1).
Tensors maxPool(const Tensors& in, const Attrs& a) {
  const Window win(a, 2);
  const double lowest = -std::numeric_limits<double>::infinity();
  return {nhwc(at::max_pool2d(win.pad(nchw(in[0]), lowest), {a.i(0), a.i(1)}, {win.sh, win.sw}, win.padding(), {1, 1}, false))};
}

// MaxPoolGrad: dy, x; as MaxPool. The first maximum of a window takes the gradient, as on tfjs' cpu backend.
Tensors maxPoolGrad(const Tensors& in, const Attrs& a) {
  const Window win(a, 2);
  const at::Tensor x = win.pad(nchw(in[1]), -std::numeric_limits<double>::infinity());
  const std::vector<int64_t> size{a.i(0), a.i(1)}, stride{win.sh, win.sw};
  const auto indices = std::get<1>(at::max_pool2d_with_indices(x, size, stride, win.padding(), {1, 1}, false));
  const at::Tensor dx = at::max_pool2d_with_indices_backward(nchw(in[0]), x, size, stride, win.padding(), {1, 1}, false, indices);
  return {nhwc(win.crop(dx, in[1].size(1), in[1].size(2)))};
}

// AvgPool: x; as MaxPool, symmetric pads only (src/kernels/nn.ts sends the others to the fallback). Pads are not counted.
Tensors avgPool(const Tensors& in, const Attrs& a) {
  const Window win(a, 2);
  return {nhwc(at::avg_pool2d(nchw(in[0]), {a.i(0), a.i(1)}, {win.sh, win.sw}, win.padding(), false, false, c10::nullopt))};
}

// AvgPoolGrad: dy, x; as AvgPool, but pads count: tfjs' gradient divides by the whole window, as its cpu kernel does.
Tensors avgPoolGrad(const Tensors& in, const Attrs& a) {
  const Window win(a, 2);
  return {nhwc(at::avg_pool2d_backward(nchw(in[0]), nchw(in[1]), {a.i(0), a.i(1)}, {win.sh, win.sw}, win.padding(), false, true, c10::nullopt))};
}

// FusedBatchNorm: x, mean, variance, offset?, scale?; floats: epsilon.
Tensors batchNorm(const Tensors& in, const Attrs& a) {
  const at::Tensor &x = in[0], &mean = in[1], &variance = in[2];
  const at::Tensor offset = in.size() > 3 ? in[3] : at::Tensor(), scale = in.size() > 4 ? in[4] : at::Tensor();
  const double epsilon = a.f(0);
  const int64_t channels = x.dim() > 0 ? x.size(-1) : 0;
  const auto perChannel = [&](const at::Tensor& t) { return !t.defined() || (t.dim() == 1 && t.size(0) == channels); };
  if ((x.dim() == 4 || x.dim() == 2) && perChannel(mean) && perChannel(variance) && perChannel(offset) && perChannel(scale)) {
    // One pass of ATen's inference batch norm, with the given statistics as its running ones.
    const at::Tensor y = at::batch_norm(x.dim() == 4 ? nchw(x) : x, scale, offset, mean, variance, false, 0.0, epsilon, true);
    return {x.dim() == 4 ? nhwc(y) : y};
  }
  at::Tensor factor = at::rsqrt(variance + epsilon);
  if (scale.defined()) factor = factor * scale;
  at::Tensor y = (x - mean) * factor;
  return {offset.defined() ? y + offset : y};
}

// BatchMatMul / _FusedMatMul: a, b, bias?, prelu weights?; ints: transposeA, transposeB, activation; floats: leaky alpha.
Tensors matMul(const Tensors& in, const Attrs& a) {
  const at::Tensor A = a.i(0) ? in[0].transpose(-2, -1) : in[0];
  const at::Tensor B = a.i(1) ? in[1].transpose(-2, -1) : in[1];
  const at::Tensor bias = in.size() > 2 ? in[2] : at::Tensor();
  at::Tensor y;
  if (A.dim() == 3 && B.dim() == 3 && A.size(0) == 1 && B.size(0) == 1 && bias.defined() && bias.dim() <= 2) {
    // tfjs' fused dense layer: one GEMM with the bias as its addend.
    y = at::addmm(bias, A[0], B[0]).unsqueeze(0);
  } else {
    y = at::matmul(A, B);
    if (bias.defined()) y = y + bias;
  }
  return {activate(y, a.ints.size() > 2 ? a.i(2) : 0, in.size() > 3 ? in[3] : at::Tensor(), a.floats.empty() ? 0.2 : a.f(0))};
}

// ---- reductions: ints: keepDims, then the axes (already normalized, never empty) ----

std::vector<int64_t> axesOf(const Attrs& a) { return std::vector<int64_t>(a.ints.begin() + 1, a.ints.end()); }

/** Applies a one-axis reduction over several axes, the last axis first so that the others keep their numbers. */
at::Tensor eachAxis(at::Tensor x, std::vector<int64_t> axes, bool keep, const std::function<at::Tensor(const at::Tensor&, int64_t, bool)>& f) {
  std::sort(axes.rbegin(), axes.rend());
  for (const int64_t axis : axes) x = f(x, axis, keep);
  return x;
}

at::ScalarType integerOr(const at::Tensor& x, at::ScalarType floating) {
  return at::isFloatingType(x.scalar_type()) ? floating : at::kInt;
}

Tensors sum(const Tensors& in, const Attrs& a) { return {at::sum(in[0], axesOf(a), a.i(0) != 0, integerOr(in[0], at::kFloat))}; }
Tensors mean(const Tensors& in, const Attrs& a) { return {at::mean(in[0].to(at::kFloat), axesOf(a), a.i(0) != 0)}; }
Tensors max(const Tensors& in, const Attrs& a) { return {at::amax(in[0], axesOf(a), a.i(0) != 0)}; }
Tensors min(const Tensors& in, const Attrs& a) { return {at::amin(in[0], axesOf(a), a.i(0) != 0)}; }
Tensors prod(const Tensors& in, const Attrs& a) {
  const auto type = integerOr(in[0], at::kFloat);
  return {eachAxis(in[0], axesOf(a), a.i(0) != 0, [type](const at::Tensor& x, int64_t axis, bool keep) { return at::prod(x, axis, keep, type); })};
}
Tensors all(const Tensors& in, const Attrs& a) {
  return {eachAxis(in[0].to(at::kBool), axesOf(a), a.i(0) != 0, [](const at::Tensor& x, int64_t axis, bool keep) { return at::all(x, axis, keep); })};
}
Tensors any(const Tensors& in, const Attrs& a) {
  return {eachAxis(in[0].to(at::kBool), axesOf(a), a.i(0) != 0, [](const at::Tensor& x, int64_t axis, bool keep) { return at::any(x, axis, keep); })};
}
// ArgMax / ArgMin: ints: the axis. ATen, like tfjs, returns the first of equal extremes.
Tensors argMax(const Tensors& in, const Attrs& a) { return {at::argmax(in[0], a.i(0), false).to(at::kInt)}; }
Tensors argMin(const Tensors& in, const Attrs& a) { return {at::argmin(in[0], a.i(0), false).to(at::kInt)}; }

// ---- shapes and data movement ----

Tensors reshape(const Tensors& in, const Attrs& a) { return {in[0].reshape(a.ints)}; }

// Slice: ints: begin..., size... (rank each, sizes resolved).
Tensors slice(const Tensors& in, const Attrs& a) {
  at::Tensor y = in[0];
  const int64_t rank = y.dim();
  for (int64_t d = 0; d < rank; d++) y = y.narrow(d, a.i(d), a.i(rank + d));
  return {y};
}

Tensors concat(const Tensors& in, const Attrs& a) { return {at::cat(in, a.i(0))}; }
Tensors pack(const Tensors& in, const Attrs& a) { return {at::stack(in, a.i(0))}; }
Tensors unpack(const Tensors& in, const Attrs& a) { return at::unbind(in[0], a.i(0)); }
// SplitV: ints: axis, then the sizes.
Tensors splitV(const Tensors& in, const Attrs& a) {
  return at::split_with_sizes(in[0], std::vector<int64_t>(a.ints.begin() + 1, a.ints.end()), a.i(0));
}
Tensors tile(const Tensors& in, const Attrs& a) { return {in[0].repeat(a.ints)}; }
Tensors transpose(const Tensors& in, const Attrs& a) { return {in[0].permute(a.ints)}; }
Tensors reverse(const Tensors& in, const Attrs& a) { return {at::flip(in[0], a.ints)}; }

// PadV2: ints: before and after of each axis, first axis first; floats: the value.
Tensors padV2(const Tensors& in, const Attrs& a) {
  std::vector<int64_t> pads;
  for (size_t d = a.ints.size() / 2; d-- > 0;) {
    pads.push_back(a.i(2 * d));
    pads.push_back(a.i(2 * d + 1));
  }
  return {at::constant_pad_nd(in[0], pads, a.f(0))};
}

// OneHot: indices; ints: depth, dtype; floats: on, off. Indices outside [0, depth) give a row of `off`, as in tfjs.
Tensors oneHot(const Tensors& in, const Attrs& a) {
  const auto options = in[0].options().dtype(scalarType(a.i(1)));
  const at::Tensor hot = in[0].to(at::kLong).unsqueeze(-1) == at::arange(a.i(0), in[0].options().dtype(at::kLong));
  return {at::where(hot, at::scalar_tensor(a.f(0), options), at::scalar_tensor(a.f(1), options))};
}

// Select: condition, a, b (tfjs' where broadcasts them to one shape before the kernel).
Tensors select(const Tensors& in, const Attrs&) { return {at::where(in[0].to(at::kBool), in[1], in[2])}; }

// GatherV2 with batchDims 0: x, indices; ints: axis.
Tensors gather(const Tensors& in, const Attrs& a) {
  const int64_t axis = a.i(0);
  const at::Tensor& x = in[0];
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  shape.insert(shape.end(), in[1].sizes().begin(), in[1].sizes().end());
  shape.insert(shape.end(), x.sizes().begin() + axis + 1, x.sizes().end());
  return {at::index_select(x, axis, in[1].reshape({-1}).to(at::kLong)).reshape(shape)};
}

// AddN: any number of same-shaped inputs, summed in order.
Tensors addN(const Tensors& in, const Attrs&) {
  if (in.size() == 1) return {in[0]};
  at::Tensor total = in[0] + in[1];
  for (size_t k = 2; k < in.size(); k++) total.add_(in[k]);
  return {total};
}

// Softmax: logits; ints: the axis.
Tensors softmax(const Tensors& in, const Attrs& a) { return {at::softmax(in[0], a.i(0))}; }

// ---- element-wise ----

// Step: ints: none; floats: alpha. 1 where x > 0, alpha elsewhere, NaN where x is NaN (tfjs' definition).
at::Tensor step(const at::Tensor& x, double alpha) {
  const at::Tensor y = at::where(x > 0, at::scalar_tensor(1.0, x.options()), at::scalar_tensor(alpha, x.options()));
  return at::where(at::isnan(x), x, y);
}

const std::unordered_map<std::string, Unary>& unaries() {
  static const std::unordered_map<std::string, Unary> table{
      {"Abs", [](const at::Tensor& x) { return at::abs(x); }},
      {"Acos", [](const at::Tensor& x) { return at::acos(x); }},
      {"Asin", [](const at::Tensor& x) { return at::asin(x); }},
      {"Atan", [](const at::Tensor& x) { return at::atan(x); }},
      {"Ceil", [](const at::Tensor& x) { return at::ceil(x); }},
      {"Cos", [](const at::Tensor& x) { return at::cos(x); }},
      {"Cosh", [](const at::Tensor& x) { return at::cosh(x); }},
      {"Elu", [](const at::Tensor& x) { return at::elu(x); }},
      {"Erf", [](const at::Tensor& x) { return at::erf(x); }},
      {"Exp", [](const at::Tensor& x) { return at::exp(x); }},
      {"Expm1", [](const at::Tensor& x) { return at::expm1(x); }},
      {"Floor", [](const at::Tensor& x) { return at::floor(x); }},
      {"Identity", [](const at::Tensor& x) { return x; }},
      {"IsFinite", [](const at::Tensor& x) { return at::isfinite(x); }},
      {"IsInf", [](const at::Tensor& x) { return at::isinf(x); }},
      {"IsNan", [](const at::Tensor& x) { return at::isnan(x); }},
      {"Log", [](const at::Tensor& x) { return at::log(x); }},
      {"Log1p", [](const at::Tensor& x) { return at::log1p(x); }},
      {"LogicalNot", [](const at::Tensor& x) { return at::logical_not(x); }},
      {"Neg", [](const at::Tensor& x) { return at::neg(x); }},
      {"OnesLike", [](const at::Tensor& x) { return at::ones_like(x); }},
      {"Reciprocal", [](const at::Tensor& x) { return at::reciprocal(x); }},
      {"Relu", [](const at::Tensor& x) { return at::relu(x); }},
      {"Relu6", [](const at::Tensor& x) { return at::hardtanh(x, 0, 6); }},
      {"Round", [](const at::Tensor& x) { return at::round(x); }},
      {"Rsqrt", [](const at::Tensor& x) { return at::rsqrt(x); }},
      {"Selu", [](const at::Tensor& x) { return at::selu(x); }},
      {"Sigmoid", [](const at::Tensor& x) { return at::sigmoid(x); }},
      {"Sign", [](const at::Tensor& x) { return at::sign(x); }},
      {"Sin", [](const at::Tensor& x) { return at::sin(x); }},
      {"Sinh", [](const at::Tensor& x) { return at::sinh(x); }},
      {"Softplus", [](const at::Tensor& x) { return at::softplus(x); }},
      {"Sqrt", [](const at::Tensor& x) { return at::sqrt(x); }},
      {"Square", [](const at::Tensor& x) { return at::square(x); }},
      {"Tan", [](const at::Tensor& x) { return at::tan(x); }},
      {"Tanh", [](const at::Tensor& x) { return at::tanh(x); }},
      {"ZerosLike", [](const at::Tensor& x) { return at::zeros_like(x); }},
  };
  return table;
}

const std::unordered_map<std::string, Binary>& binaries() {
  static const std::unordered_map<std::string, Binary> table{
      {"Add", [](const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }},
      {"Atan2", [](const at::Tensor& a, const at::Tensor& b) { return at::atan2(a, b); }},
      {"EluGrad", [](const at::Tensor& dy, const at::Tensor& y) { return at::where(y >= 0, dy, dy * (y + 1)); }},
      {"Equal", [](const at::Tensor& a, const at::Tensor& b) { return at::eq(a, b); }},
      {"FloorDiv", [](const at::Tensor& a, const at::Tensor& b) { return at::div(a, b, "floor"); }},
      {"Greater", [](const at::Tensor& a, const at::Tensor& b) { return at::gt(a, b); }},
      {"GreaterEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::ge(a, b); }},
      {"Less", [](const at::Tensor& a, const at::Tensor& b) { return at::lt(a, b); }},
      {"LessEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::le(a, b); }},
      {"LogicalAnd", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_and(a, b); }},
      {"LogicalOr", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_or(a, b); }},
      {"Maximum", [](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }},
      {"Minimum", [](const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }},
      // tfjs' mod takes the sign of the divisor, as Python's % and ATen's remainder do.
      {"Mod", [](const at::Tensor& a, const at::Tensor& b) { return at::remainder(a, b); }},
      {"Multiply", [](const at::Tensor& a, const at::Tensor& b) { return at::mul(a, b); }},
      {"NotEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::ne(a, b); }},
      {"Pow", [](const at::Tensor& a, const at::Tensor& b) { return at::pow(a, b); }},
      {"Prelu", [](const at::Tensor& x, const at::Tensor& alpha) { return at::where(x < 0, x * alpha, x); }},
      {"RealDiv", [](const at::Tensor& a, const at::Tensor& b) { return at::div(a, b); }},
      {"SquaredDifference", [](const at::Tensor& a, const at::Tensor& b) { return at::square(a - b); }},
      {"Sub", [](const at::Tensor& a, const at::Tensor& b) { return at::sub(a, b); }},
  };
  return table;
}

const std::unordered_map<std::string, Kernel>& kernels() {
  static const std::unordered_map<std::string, Kernel> table{
      {"AddN", addN},
      {"All", all},
      {"Any", any},
      {"ArgMax", argMax},
      {"ArgMin", argMin},
      {"AvgPool", avgPool},
      {"AvgPoolGrad", avgPoolGrad},
      {"BatchMatMul", matMul},
      {"Cast", [](const Tensors& in, const Attrs& a) { return Tensors{in[0].to(scalarType(a.i(0)))}; }},
      {"ClipByValue", [](const Tensors& in, const Attrs& a) { return Tensors{at::clamp(in[0], a.f(0), a.f(1))}; }},
      {"Concat", concat},
      {"Conv2D", conv2d},
      {"Conv2DBackpropFilter", conv2dBackpropFilter},
      {"Conv2DBackpropInput", conv2dBackpropInput},
      {"FusedBatchNorm", batchNorm},
      {"FusedConv2D", conv2d},
      {"GatherV2", gather},
      {"LeakyRelu", [](const Tensors& in, const Attrs& a) { return Tensors{at::leaky_relu(in[0], a.f(0))}; }},
      {"Max", max},
      {"MaxPool", maxPool},
      {"MaxPoolGrad", maxPoolGrad},
      {"Mean", mean},
      {"Min", min},
      {"OneHot", oneHot},
      {"Pack", pack},
      {"PadV2", padV2},
      {"Prod", prod},
      {"Reshape", reshape},
      {"Reverse", reverse},
      {"Select", select},
      {"Slice", slice},
      {"Softmax", softmax},
      {"SplitV", splitV},
      {"Step", [](const Tensors& in, const Attrs& a) { return Tensors{step(in[0], a.f(0))}; }},
      {"Sum", sum},
      {"Tile", tile},
      {"Transpose", transpose},
      {"Unpack", unpack},
      {"_FusedMatMul", matMul},
  };
  return table;
}

}  // namespace

bool has(const std::string& name) {
  return kernels().count(name) || unaries().count(name) || binaries().count(name);
}

std::vector<std::string> names() {
  std::vector<std::string> all;
  for (const auto& [name, _] : kernels()) all.push_back(name);
  for (const auto& [name, _] : unaries()) all.push_back(name);
  for (const auto& [name, _] : binaries()) all.push_back(name);
  std::sort(all.begin(), all.end());
  return all;
}

Tensors run(const std::string& name, const Tensors& inputs, const Attrs& attrs) {
  const auto kernel = kernels().find(name);
  if (kernel != kernels().end()) return kernel->second(inputs, attrs);
  const auto unary = unaries().find(name);
  if (unary != unaries().end()) return {unary->second(inputs.at(0))};
  const auto binary = binaries().find(name);
  if (binary != binaries().end()) return {binary->second(inputs.at(0), inputs.at(1))};
  throw std::invalid_argument("the torch addon has no kernel " + name);
}

}  // namespace mixent
