#include "server/metrics.h"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace licit::server {

std::string_view HandlerPath(Handler h) {
  switch (h) {
    case Handler::kDecide: return "/v1/decide";
    case Handler::kExplain: return "/v1/explain";
    case Handler::kTest: return "/v1/test";
    case Handler::kCheck: return "/v1/check";
    case Handler::kPolicy: return "/v1/policy";
    case Handler::kPolicySource: return "/v1/policy/source";
    case Handler::kSchema: return "/v1/schema";
    case Handler::kReload: return "/v1/reload";
    case Handler::kHealth: return "/health";
    case Handler::kHealthReady: return "/health/ready";
    case Handler::kMetrics: return "/metrics";
    case Handler::kPage: return "/";
    case Handler::kOther: return "other";
  }
  return "other";
}

Metrics::Metrics()
    : start_time_seconds_(
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count()) {}

size_t Metrics::CodeSlot(int status) {
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i] == status) return i;
  }
  return kCodes.size();
}

void Metrics::CountResponse(Handler handler, int status) {
  handlers_[static_cast<size_t>(handler)].by_code[CodeSlot(status)].fetch_add(
      1, std::memory_order_relaxed);
}

void Metrics::ObserveDuration(Handler handler, double seconds) {
  HandlerStats& h = handlers_[static_cast<size_t>(handler)];
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  if (bucket < kBuckets.size()) h.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  h.observed.fetch_add(1, std::memory_order_relaxed);
  h.sum_nanoseconds.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Metrics::CountDecisions(const uint64_t (&by_effect)[6]) {
  for (size_t i = 0; i < 6; ++i) {
    if (by_effect[i] != 0) decisions_[i].fetch_add(by_effect[i], std::memory_order_relaxed);
  }
}

void Metrics::CountDecision(int effect_index) {
  if (effect_index >= 0 && effect_index < 6) {
    decisions_[effect_index].fetch_add(1, std::memory_order_relaxed);
  }
}

uint64_t ResidentMemoryBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long size = 0, resident = 0;
  int read = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (read != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

namespace {

// A label value as the text format wants it: backslash, quote and newline escaped.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string Metrics::Render(const Gauges& gauges) const {
  std::string out;
  static constexpr const char* kEffects[6] = {"allow",   "exempt", "review",
                                              "license", "deny",   "error"};
  out += "# HELP licit_decisions_total Decisions made, by effect.\n";
  out += "# TYPE licit_decisions_total counter\n";
  for (size_t i = 0; i < 6; ++i) {
    out += fmt::format("licit_decisions_total{{effect=\"{}\"}} {}\n", kEffects[i],
                       decisions_[i].load(std::memory_order_relaxed));
  }
  out += "# HELP licit_http_requests_total HTTP requests answered, by handler and status code.\n";
  out += "# TYPE licit_http_requests_total counter\n";
  for (size_t h = 0; h < kHandlerCount; ++h) {
    const std::string_view path = HandlerPath(static_cast<Handler>(h));
    for (size_t c = 0; c < kCodeSlots; ++c) {
      const uint64_t n = handlers_[h].by_code[c].load(std::memory_order_relaxed);
      if (n == 0) continue;  // only the series that happened, as client libraries do
      const std::string code = c < kCodes.size() ? std::to_string(kCodes[c]) : "other";
      out += fmt::format("licit_http_requests_total{{handler=\"{}\",code=\"{}\"}} {}\n", path, code,
                         n);
    }
  }
  out += "# HELP licit_http_request_duration_seconds Time to answer a request, by handler.\n";
  out += "# TYPE licit_http_request_duration_seconds histogram\n";
  for (size_t h = 0; h < kHandlerCount; ++h) {
    const HandlerStats& s = handlers_[h];
    const uint64_t observed = s.observed.load(std::memory_order_relaxed);
    if (observed == 0) continue;
    const std::string_view path = HandlerPath(static_cast<Handler>(h));
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += s.buckets[b].load(std::memory_order_relaxed);
      out +=
          fmt::format("licit_http_request_duration_seconds_bucket{{handler=\"{}\",le=\"{}\"}} {}\n",
                      path, kBuckets[b], cumulative);
    }
    out +=
        fmt::format("licit_http_request_duration_seconds_bucket{{handler=\"{}\",le=\"+Inf\"}} {}\n",
                    path, observed);
    out += fmt::format("licit_http_request_duration_seconds_sum{{handler=\"{}\"}} {:.9f}\n", path,
                       s.sum_nanoseconds.load(std::memory_order_relaxed) / 1e9);
    out += fmt::format("licit_http_request_duration_seconds_count{{handler=\"{}\"}} {}\n", path,
                       observed);
  }
  out += "# HELP licit_policy_reloads_total Policy loads and reloads, by result.\n";
  out += "# TYPE licit_policy_reloads_total counter\n";
  out += fmt::format("licit_policy_reloads_total{{result=\"ok\"}} {}\n", gauges.reloads_ok);
  out += fmt::format("licit_policy_reloads_total{{result=\"error\"}} {}\n", gauges.reloads_error);
  out += "# HELP licit_policy_info The policy set being served.\n";
  out += "# TYPE licit_policy_info gauge\n";
  if (!gauges.policy_digest.empty()) {
    out += fmt::format("licit_policy_info{{digest=\"{}\",rules=\"{}\"}} 1\n",
                       LabelValue(gauges.policy_digest), gauges.policy_rules);
  }
  out += "# HELP licit_decision_log_queue_depth Decision log lines waiting to be written.\n";
  out += "# TYPE licit_decision_log_queue_depth gauge\n";
  out += fmt::format("licit_decision_log_queue_depth {}\n", gauges.decision_log_queue_depth);
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  out += fmt::format("process_resident_memory_bytes {}\n", ResidentMemoryBytes());
  out += "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n";
  out += "# TYPE process_start_time_seconds gauge\n";
  out += fmt::format("process_start_time_seconds {:.3f}\n", start_time_seconds_);
  return out;
}

}  // namespace licit::server
