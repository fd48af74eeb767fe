#include "scheduler/reports/merge.h"

#include <algorithm>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scheduler/reports/json_report.h"
#include "scheduler/reports/progress.h"

namespace interleave {

namespace {

using json = nlohmann::json;

// What merging needs of one shard's report.
struct ShardReport {
  const ReportFile* file;
  json doc;
  int index = 0;
  int count = 1;
};

// "threads=3 iters=2", from the report's params object (in its order).
std::string params_text(const json& params) {
  std::string text;
  for (auto& [name, value] : params.items()) {
    if (!text.empty()) text += ' ';
    text += fmt::format("{}={}", name, value.dump());
  }
  return text;
}

Expected<ShardReport> read_report(const ReportFile& file) {
  ShardReport report{&file, json::parse(file.text, nullptr, /*allow_exceptions=*/false)};
  const json& doc = report.doc;
  if (doc.is_discarded() || !doc.is_object()) {
    return Error{fmt::format("{}: not a JSON document", file.name)};
  }
  if (doc.value("format", "") != "interleave.check") {
    return Error{fmt::format("{}: not an interleave check report (`check --json FILE` writes one)",
                             file.name)};
  }
  if (doc.value("version", 0) != kCheckJsonVersion) {
    return Error{fmt::format("{}: report version {}, this interleave reads version {}",
                             file.name, doc.value("version", json(nullptr)).dump(),
                             kCheckJsonVersion)};
  }
  for (const char* field : {"model", "strategy", "verdict"}) {
    if (!doc.contains(field) || !doc[field].is_string()) {
      return Error{fmt::format("{}: the report has no {}", file.name, field)};
    }
  }
  for (const char* field : {"executions", "failing_executions", "pruned_executions",
                            "total_steps"}) {
    if (!doc.contains(field) || !doc[field].is_number_unsigned()) {
      return Error{fmt::format("{}: the report has no count {}", file.name, field)};
    }
  }
  if (!doc.contains("params") || !doc["params"].is_object()) {
    return Error{fmt::format("{}: the report has no params", file.name)};
  }
  if (doc["verdict"] == "error") {
    return Error{fmt::format("{}: that check stopped with an error: {}", file.name,
                             doc.value("error", json("")).is_string()
                                 ? doc.value("error", std::string())
                                 : std::string("(none given)"))};
  }
  const json shard = doc.value("shard", json(nullptr));
  if (shard.is_string()) {
    const std::string text = shard.get<std::string>();
    if (std::sscanf(text.c_str(), "%d/%d", &report.index, &report.count) != 2 ||
        report.count < 1 || report.index < 0 || report.index >= report.count) {
      return Error{fmt::format("{}: shard '{}' is not I/K", file.name, text)};
    }
  } else if (!shard.is_null()) {
    return Error{fmt::format("{}: shard is neither \"I/K\" nor null", file.name)};
  }
  return report;
}

}  // namespace

Expected<MergedCheck> merge_check_reports(const std::vector<ReportFile>& files) {
  if (files.empty()) return Error{"no reports to merge"};
  std::vector<ShardReport> reports;
  for (const ReportFile& file : files) {
    auto report = read_report(file);
    if (!report) return Error{report.error()};
    reports.push_back(std::move(*report));
  }
  const ShardReport& first = reports.front();
  MergedCheck merged;
  merged.model = first.doc["model"].get<std::string>();
  merged.params = params_text(first.doc["params"]);
  merged.strategy = first.doc["strategy"].get<std::string>();
  merged.shards = first.count;

  std::map<int, const ShardReport*> by_index;
  for (const ShardReport& r : reports) {
    const std::string what =
        fmt::format("{} {} ({})", r.doc["model"].get<std::string>(), params_text(r.doc["params"]),
                    r.doc["strategy"].get<std::string>());
    const std::string expected =
        fmt::format("{} {} ({})", merged.model, merged.params, merged.strategy);
    if (what != expected) {
      return Error{fmt::format("{}: a check of {}, not of {} as {} is", r.file->name, what,
                               expected, first.file->name)};
    }
    if (r.count != merged.shards) {
      return Error{fmt::format("{}: one of {} shards, {} is one of {}", r.file->name, r.count,
                               first.file->name, merged.shards)};
    }
    if (auto [at, fresh] = by_index.emplace(r.index, &r); !fresh) {
      return Error{fmt::format("{} and {} are both shard {}/{}", at->second->file->name,
                               r.file->name, r.index, r.count)};
    }
  }
  if (static_cast<int>(by_index.size()) != merged.shards) {
    std::string missing;
    for (int i = 0; i < merged.shards && missing.size() < 60; ++i) {
      if (!by_index.count(i)) missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", i,
                                                     merged.shards);
    }
    return Error{fmt::format("shard{} {} missing: the merged counts would not be the whole check's",
                             merged.shards - by_index.size() == 1 ? "" : "s", missing)};
  }

  for (const auto& [index, r] : by_index) {
    const json& doc = r->doc;
    merged.executions += doc["executions"].get<uint64_t>();
    merged.failing_executions += doc["failing_executions"].get<uint64_t>();
    merged.pruned_executions += doc["pruned_executions"].get<uint64_t>();
    if (doc.contains("bounded_plans") && doc["bounded_plans"].is_number_unsigned()) {
      merged.bounded_plans += doc["bounded_plans"].get<uint64_t>();
    }
    merged.total_steps += doc["total_steps"].get<uint64_t>();
    if (doc.contains("seconds") && doc["seconds"].is_number()) {
      merged.seconds += doc["seconds"].get<double>();
    }
    merged.exhaustive = merged.exhaustive && doc.value("exhaustive", false);
    const std::string verdict = doc["verdict"].get<std::string>();
    if (verdict == "bug" && merged.verdict != Verdict::kBug) {
      merged.verdict = Verdict::kBug;
      merged.deciding_shard = index;
      const json failure = doc.value("failure", json(nullptr));
      if (failure.is_object()) {
        merged.failure_message = failure.value("message", std::string());
        merged.replay = failure.value("replay", std::string());
      }
    } else if (verdict == "incomplete" && merged.verdict == Verdict::kPass) {
      merged.verdict = Verdict::kIncomplete;
      merged.deciding_shard = index;
      auto text = [&doc](const char* field) {
        return doc.contains(field) && doc[field].is_string() ? doc[field].get<std::string>()
                                                             : std::string();
      };
      merged.limit = text("limit");
      merged.raise_limit = text("raise_limit");
    } else if (verdict != "bug" && verdict != "incomplete" && verdict != "pass") {
      return Error{fmt::format("{}: unknown verdict '{}'", r->file->name, verdict)};
    }
  }
  return merged;
}

std::string format_merged(const MergedCheck& m) {
  const std::string shards = fmt::format("{} shard{}", m.shards, m.shards == 1 ? "" : "s");
  std::string out = fmt::format("{}  {}  strategy={}  ({} merged)\n", m.model, m.params,
                                m.strategy, shards);
  const std::string counts =
      m.pruned_executions == 0
          ? fmt::format("{} executions", group_thousands(m.executions))
          : fmt::format("{} executions and {} cut short", group_thousands(m.executions),
                        group_thousands(m.pruned_executions));
  switch (m.verdict) {
    case Verdict::kBug:
      out += fmt::format("FAIL {}\n  found by shard {}/{}; {} of the shards' {} fail\n",
                         m.failure_message, m.deciding_shard, m.shards,
                         group_thousands(m.failing_executions), counts);
      if (!m.replay.empty()) out += fmt::format("replay: {}\n", m.replay);
      break;
    case Verdict::kIncomplete:
      out += fmt::format("NO BUG FOUND in {} over {}, but {} stopped shard {}/{} before it was "
                         "exhaustive ({})\n",
                         counts, shards, m.limit, m.deciding_shard, m.shards, m.raise_limit);
      break;
    default:
      if (m.exhaustive) {
        out += fmt::format("PASS no bug found: explored all {} over {} ({} steps)\n", counts,
                           shards, group_thousands(m.total_steps));
      } else {
        out += fmt::format("PASS no bug found in {} over {} ({} steps); not every schedule was "
                           "covered (the strategy's bound cut some)\n",
                           counts, shards, group_thousands(m.total_steps));
      }
      break;
  }
  if (m.bounded_plans != 0) {
    out += fmt::format("  {} races planned past DPOR's memory bound, their first step alone "
                       "(still exhaustive; more executions cut short)\n",
                       group_thousands(m.bounded_plans));
  }
  return out;
}

}  // namespace interleave
