// framekit/benchmarks/encoding/value_distributions.h
//
// Contract: the integer value distributions the encoding comparison measures, generated
// deterministically (fixed seed per distribution, so every run and every encoding sees the same
// values). A Dataset holds its values both as uint64 (unsigned distributions) or int64 (the signed
// one); `is_signed` says which vector is filled. Nothing here touches framekit itself.
//
//   zeros      every value 0                       (the HOWTO's "0" case)
//   zero_one   0 or 1, 50/50                       (the HOWTO's "most integers are 0 or 1")
//   small      uniform in [0, 127]                 (fits one varint byte)
//   u32        uniform over [0, 2^32)              (binary width 4 is exact)
//   u64        uniform over [0, 2^64)              (needs 8 binary bytes; 32-bit codecs: N/A)
//   zipf       Zipf(s = 1.1) ranks over 1..10^6, minus 1: a skewed, realistic mix of mostly
//              small counts/ids with a long tail
//   negatives  uniform in [-1000, 1000] as int64   (signed codecs: ascii signed, zigzag varints,
//              two's complement binary)
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_VALUE_DISTRIBUTIONS_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_VALUE_DISTRIBUTIONS_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace framekit {
namespace encoding_bench {

struct Dataset {
  std::string name;
  std::string description;
  bool is_signed = false;
  std::vector<uint64_t> u;  // Filled when !is_signed.
  std::vector<int64_t> s;   // Filled when is_signed.
  size_t size() const { return is_signed ? s.size() : u.size(); }
};

// The names, in the order reports list them.
inline const std::vector<std::string>& DistributionNames() {
  static const std::vector<std::string> names = {"zeros", "zero_one", "small",    "u32",
                                                 "u64",   "zipf",     "negatives"};
  return names;
}

// Zipf(s) over ranks 1..n by inverting a cumulative table (built once per call; n = 10^6 costs
// a few milliseconds).
inline std::vector<uint64_t> ZipfValues(size_t count, double s, size_t n, std::mt19937_64& rng) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (size_t k = 1; k <= n; ++k) {
    sum += 1.0 / std::pow(static_cast<double>(k), s);
    cdf[k - 1] = sum;
  }
  std::uniform_real_distribution<double> uniform(0.0, sum);
  std::vector<uint64_t> out(count);
  for (uint64_t& v : out) {
    const double x = uniform(rng);
    v = static_cast<uint64_t>(std::lower_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
  }
  return out;  // rank - 1: 0 is the most frequent value.
}

// `count` values of the named distribution; an unknown name gives an empty, unnamed Dataset.
inline Dataset MakeDataset(const std::string& name, size_t count) {
  Dataset d;
  std::mt19937_64 rng(std::hash<std::string>{}(name) ^ 0x9e3779b97f4a7c15ULL);
  if (name == "zeros") {
    d.description = "all 0";
    d.u.assign(count, 0);
  } else if (name == "zero_one") {
    d.description = "0 or 1 (50/50)";
    for (size_t i = 0; i < count; ++i) d.u.push_back(rng() & 1);
  } else if (name == "small") {
    d.description = "uniform 0..127";
    for (size_t i = 0; i < count; ++i) d.u.push_back(rng() % 128);
  } else if (name == "u32") {
    d.description = "uniform 32-bit";
    for (size_t i = 0; i < count; ++i) d.u.push_back(rng() & 0xffffffffULL);
  } else if (name == "u64") {
    d.description = "uniform 64-bit";
    for (size_t i = 0; i < count; ++i) d.u.push_back(rng());
  } else if (name == "zipf") {
    d.description = "Zipf s=1.1 over 10^6";
    d.u = ZipfValues(count, 1.1, 1000000, rng);
  } else if (name == "negatives") {
    d.description = "uniform -1000..1000 (signed)";
    d.is_signed = true;
    std::uniform_int_distribution<int64_t> dist(-1000, 1000);
    for (size_t i = 0; i < count; ++i) d.s.push_back(dist(rng));
  } else {
    return Dataset();
  }
  d.name = name;
  return d;
}

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_VALUE_DISTRIBUTIONS_H_
