#include "scheduler/reports/html_report.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "scheduler/reports/explain.h"
#include "scheduler/reports/progress.h"
#include "scheduler/reports/report.h"
#include "scheduler/reports/verdict.h"

namespace interleave {

namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string location(const std::source_location& loc) {
  if (loc.line() == 0) return "";
  std::string_view file = loc.file_name();
  if (file.starts_with("./")) file.remove_prefix(2);
  return fmt::format("{}:{}", file, loc.line());
}

std::string value(const TraceStep& s) {
  if (s.has_read && s.has_written) return fmt::format("{} &rarr; {}", s.read, s.written);
  if (s.has_read) return fmt::format("{}", s.read);
  if (s.has_written) return fmt::format("&rarr; {}", s.written);
  return "";
}

// One cell's content: "load counter 0", the source below.
std::string cell(const TraceStep& s) {
  return fmt::format(
      "<span class=\"op\">{}</span> <span class=\"obj\">{}</span> <span class=\"val\">{}</span>"
      "<div class=\"src\">{}</div>",
      op_name(s.op.kind), escape(s.op.name), value(s), escape(location(s.op.location)));
}

// What the check covered, one row each: strategy, whether every schedule
// was explored, executions, steps, time and rate, and the budget, bound and
// seed when there are any.
std::string coverage_table(const CheckResult& r) {
  std::string rows;
  auto row = [&](std::string_view id, std::string_view label, const std::string& value) {
    rows += fmt::format("<tr id=\"cov-{}\"><th>{}</th><td>{}</td></tr>\n", id, label,
                        escape(value));
  };
  row("strategy", "strategy", r.strategy);
  std::string schedules = r.exhaustive ? "every schedule explored"
                          : r.found_bug() && r.budget.empty() && r.error.empty()
                              ? "stopped at the first failure"
                              : "not every schedule was covered";
  row("schedules", "schedules", schedules);
  if (!r.coverage.empty()) row("covered", "covered", r.coverage);
  row("executions", "executions", group_thousands(r.executions));
  if (r.found_bug()) row("failing", "failing executions", group_thousands(r.failing_executions));
  if (r.probe_executions != 0) {
    row("probes", "random probes beside the search", group_thousands(r.probe_executions));
  }
  if (r.pruned_executions != 0) {
    row("pruned", "cut short as repeats", group_thousands(r.pruned_executions));
  }
  row("steps", "steps", group_thousands(r.total_steps));
  row("time", "time", format_duration(r.seconds));
  row("rate", "executions per second",
      format_rate(r.seconds > 0 ? r.executions / r.seconds : 0.0));
  if (!r.budget.empty()) row("budget", "stopped by budget", r.budget);
  if (!r.limit.empty()) row("limit", "incomplete: stopped by", r.limit + " (" + r.raise_limit + ")");
  if (r.preemption_bound >= 0) row("bound", "preemption bound", std::to_string(r.preemption_bound));
  if (r.bounded_plans != 0) {
    row("bounded", "races planned past DPOR's memory bound (--dpor-plan-limit)",
        group_thousands(r.bounded_plans));
  }
  if (r.seed) row("seed", "seed", fmt::format("{} (rerun: {})", *r.seed, r.rerun));
  return "<h2>Coverage</h2>\n<table class=\"coverage\" id=\"coverage\">\n" + rows +
         "</table>\n";
}

constexpr std::string_view kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; }
table.coverage th { text-align: left; font-weight: normal; color: #555; padding-right: 1.5em; }
table.coverage td { font-family: monospace; }
.verdict.fail { color: #b00020; } .verdict.pass { color: #1b6e20; }
.verdict.incomplete { color: #9a5b00; }
.replay { background: #f4f4f4; padding: .4em .6em; font-family: monospace; display: inline-block; }
table.trace { border-collapse: collapse; margin-top: 1em; }
table.trace th, table.trace td { border: 1px solid #ccc; padding: .25em .6em; vertical-align: top;
  font-family: monospace; }
table.trace th.lane { background: #eef; min-width: 14em; }
td.step { text-align: right; color: #666; }
tr.switch td { border-top: 3px solid #e08a00; }
tr.switch td.step::after { content: " \21c4"; color: #e08a00; }
td.key { background: #ffe08a; font-weight: bold; }
td.blocked { background: #fbd; }
.src { font-size: .8em; color: #777; }
.legend span { margin-right: 1.5em; }
.legend .k { background: #ffe08a; padding: 0 .4em; }
.legend .s { border-top: 3px solid #e08a00; padding: 0 .4em; }
tr.selected td { outline: 2px solid #36c; }
)";

// Inline script: counts what is highlighted, and clicking a row selects it.
constexpr std::string_view kScript = R"(
(function () {
  var keys = document.querySelectorAll('td.key').length;
  var switches = document.querySelectorAll('tr.switch').length;
  var s = document.getElementById('summary');
  if (s) s.textContent = keys + ' key accesses, ' + switches + ' context switches';
  document.querySelectorAll('table.trace tbody tr').forEach(function (row) {
    row.addEventListener('click', function () { row.classList.toggle('selected'); });
  });
})();
)";

}  // namespace

std::string check_html(const CheckResult& r, const CheckOptions& options) {
  std::string title = fmt::format("{} {}", r.model, r.params.describe());
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>interleave: {}</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<h1>{} <small>strategy={}</small></h1>\n",
      escape(title), kStyle, escape(title), escape(r.strategy));
  if (!r.error.empty()) {
    out += fmt::format("<p class=\"verdict error\" id=\"verdict\">ERROR {}</p>\n",
                       escape(r.error));
  }
  if (!r.first_failure) {
    if (verdict_of(r) == Verdict::kIncomplete) {
      out += fmt::format("<p class=\"verdict incomplete\" id=\"verdict\">{}</p>\n",
                         escape(incomplete_verdict(r)));
    } else if (r.error.empty()) {
      out += fmt::format("<p class=\"verdict pass\" id=\"verdict\">{}</p>\n",
                         escape(pass_verdict(r)));
    }
    out += coverage_table(r);
    out += "</body>\n</html>\n";
    return out;
  }
  const FoundFailure& f = *r.first_failure;
  Explanation e = explain(f.trace, &f.failure);
  out += fmt::format("<p class=\"verdict fail\" id=\"verdict\">FAIL {}</p>\n",
                     escape(describe_failure(f.failure)));
  out += fmt::format("<p>found in execution {} of {} ({} steps in all)</p>\n", f.execution,
                     r.executions, r.total_steps);
  if (!e.summary.empty()) {
    out += fmt::format("<p class=\"why\" id=\"why\">{}</p>\n", escape(e.summary));
  }
  out += fmt::format(
      "<p>replay: <code class=\"replay\" id=\"replay\">{}</code></p>\n"
      "<p>schedule: <code id=\"schedule\">{}</code></p>\n",
      escape(replay_command(f.schedule, options)), escape(f.schedule.to_string()));
  out += coverage_table(r);
  out +=
      "<p class=\"legend\"><span class=\"k\">key conflicting access</span>"
      "<span class=\"s\">context switch</span><span id=\"summary\"></span></p>\n";

  ThreadId lanes = 0;
  for (const TraceStep& s : f.trace) lanes = std::max(lanes, s.thread + 1);
  for (const TraceStep& s : f.failure.blocked) lanes = std::max(lanes, s.thread + 1);
  out += "<table class=\"trace\">\n<thead><tr><th>step</th>";
  for (ThreadId t = 0; t < lanes; ++t) {
    out += fmt::format("<th class=\"lane\" id=\"lane-T{}\">T{}</th>", t, t);
  }
  out += "</tr></thead>\n<tbody>\n";
  auto row = [&](const std::string& id, const std::string& step, const std::string& row_class,
                 const TraceStep& s, const std::string& cell_class) {
    std::string html = fmt::format("<tr{}{}><td class=\"step\">{}</td>", id,
                                   row_class.empty() ? "" : " class=\"" + row_class + "\"", step);
    for (ThreadId t = 0; t < lanes; ++t) {
      if (t == s.thread) {
        html += fmt::format("<td class=\"{}\" data-thread=\"T{}\">{}</td>", cell_class, t,
                            cell(s));
      } else {
        html += "<td></td>";
      }
    }
    return html + "</tr>\n";
  };
  for (size_t i = 0; i < f.trace.size(); ++i) {
    out += row(fmt::format(" id=\"step-{}\"", i + 1), std::to_string(i + 1),
               e.marks[i].context_switch ? "switch" : "", f.trace[i],
               e.marks[i].key ? "cell key" : "cell");
  }
  for (const TraceStep& s : f.failure.blocked) out += row("", "&mdash;", "", s, "cell blocked");
  out += "</tbody>\n</table>\n";
  out += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return out;
}

}  // namespace interleave
