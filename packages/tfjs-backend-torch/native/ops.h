// The kernels of the torch backend: each takes its input tensors and its attributes as two flat lists of numbers,
// as the TypeScript side (src/kernels/*.ts) lays them out, and returns its outputs.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mixent {

/** A kernel's attributes: integers (axes, shapes, strides, pads, codes) and floating-point values. */
struct Attrs {
  std::vector<int64_t> ints;
  std::vector<double> floats;
  int64_t i(size_t k) const { return ints.at(k); }
  double f(size_t k) const { return floats.at(k); }
  /** ints[from, from + n) as a shape or an axis list. */
  std::vector<int64_t> slice(size_t from, size_t n) const;
};

using Tensors = std::vector<at::Tensor>;

/** Runs the kernel `name`; an absent optional input is an undefined tensor. Throws std::invalid_argument for an unknown name. */
Tensors run(const std::string& name, const Tensors& inputs, const Attrs& attrs);

/** Whether `name` is a kernel of this addon. */
bool has(const std::string& name);

/** The names of every kernel of this addon. */
std::vector<std::string> names();

/** tfjs' dtype codes, as the TypeScript side numbers them: float32, int32, bool. */
at::ScalarType scalarType(int64_t code);
int64_t dtypeCode(at::ScalarType type);

}  // namespace mixent
