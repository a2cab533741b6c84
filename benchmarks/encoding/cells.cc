// framekit/benchmarks/encoding/cells.cc
#include "cells.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace framekit {
namespace encoding_bench {

std::string Cell::Key() const { return absl::StrCat(enc->name, "/", per_message, "/", data->name); }

const Cell* CellSet::Find(const std::string& encoding, int per_message,
                          const std::string& dist) const {
  for (const auto& c : cells) {
    if (c->enc->name == encoding && c->per_message == per_message && c->data->name == dist) {
      return c.get();
    }
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<CellSet>> BuildCells(const RunMode& mode,
                                                    std::vector<Encoding> encodings) {
  auto set = std::make_unique<CellSet>();
  set->encodings = std::move(encodings);
  const size_t n_dist = DistributionNames().size();
  for (int per : Regimes()) {
    for (const std::string& dist : DistributionNames()) {
      set->datasets.push_back(std::make_unique<Dataset>(MakeDataset(dist, mode.ValuesFor(per))));
    }
  }
  for (const Encoding& enc : set->encodings) {
    for (size_t ri = 0; ri < Regimes().size(); ++ri) {
      const int per = Regimes()[ri];
      for (size_t di = 0; di < n_dist; ++di) {
        auto c = std::make_unique<Cell>();
        c->enc = &enc;
        c->per_message = per;
        c->data = set->datasets[ri * n_dist + di].get();
        c->sum = SumOf(*c->data);
        const bool sgn = c->data->is_signed;
        absl::StatusOr<std::unique_ptr<Pipeline>> p =
            MakePipeline(FramerSpec(enc, per), CodecSpec(enc, per, sgn), static_cast<size_t>(per),
                         StripsSeparator(enc, per), sgn);
        if (!p.ok()) {
          return absl::InternalError(absl::StrCat(c->Key(), ": ", p.status().ToString()));
        }
        c->pipeline = *std::move(p);
        absl::Status s = c->pipeline->Encode(*c->data, &c->wire);
        if (!s.ok()) {
          // The codec refused a value outside its domain: N/A, never truncated.
          c->na = std::string(s.message().substr(0, 120));
          c->wire.clear();
        } else {
          c->bytes_per_value =
              static_cast<double>(c->wire.size()) / static_cast<double>(c->data->size());
          DecodeTotals t;
          s = c->pipeline->DecodeStream(c->wire, &t);
          if (!s.ok() || t.values != c->data->size() || t.sum != c->sum) {
            return absl::DataLossError(absl::StrFormat("%s: round trip failed: %s (values %d/%d)",
                                                       c->Key(), s.ToString(), t.values,
                                                       c->data->size()));
          }
        }
        set->cells.push_back(std::move(c));
      }
    }
  }
  return set;
}

size_t WireOfZero(const std::vector<Encoding>& encodings, const std::string& name) {
  for (const Encoding& e : encodings) {
    if (e.name != name) continue;
    absl::StatusOr<std::unique_ptr<Pipeline>> p =
        MakePipeline(FramerSpec(e, 1), CodecSpec(e, 1, false), 1, StripsSeparator(e, 1), false);
    Dataset zero;
    zero.u = {0};
    std::string wire;
    if (p.ok() && (*p)->Encode(zero, &wire).ok()) return wire.size();
  }
  return 0;
}

}  // namespace encoding_bench
}  // namespace framekit
