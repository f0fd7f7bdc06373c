// The server's counters, exposed at GET /metrics in Prometheus' text format 0.0.4
// (docs/server.md, "Metrics"). Every update is a relaxed atomic add into fixed arrays (handlers,
// status codes and histogram buckets are known in advance), so counting costs a request no lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace licit::server {

// The endpoints, as metric labels. Unknown paths count as kOther, so a scan of random URLs cannot
// grow the label set.
enum class Handler : uint8_t {
  kDecide,
  kExplain,
  kTest,
  kCheck,
  kPolicy,
  kPolicySource,
  kSchema,
  kReload,
  kHealth,
  kHealthReady,
  kMetrics,
  kPage,  // the playground page at `/` (--ui)
  kOther,
};
inline constexpr size_t kHandlerCount = 13;
std::string_view HandlerPath(Handler h);  // "/v1/decide", ..., "/", "other"

class Metrics {
 public:
  Metrics();

  // One answer written, by its handler and status: every request, including those the HTTP
  // library answered itself before a handler ran (413 over --max-body, a malformed request).
  void CountResponse(Handler handler, int status);
  // How long a request took, from its handler's start to its answer handed to the connection
  // (a streamed JSON Lines answer: until its last byte is written).
  void ObserveDuration(Handler handler, double seconds);
  // Decisions by effect (licit::Effect's order: allow, exempt, review, license, deny, error).
  void CountDecisions(const uint64_t (&by_effect)[6]);
  void CountDecision(int effect_index);

  // The whole exposition. The gauges are given by the caller: what it knows at scrape time.
  struct Gauges {
    std::string policy_digest;  // "" when no policy is loaded
    uint64_t policy_rules = 0;
    uint64_t reloads_ok = 0, reloads_error = 0;
    uint64_t decision_log_queue_depth = 0;
  };
  std::string Render(const Gauges& gauges) const;

 private:
  // The status codes the server answers with; any other counts under "other".
  static constexpr std::array<int, 13> kCodes = {200, 400, 401, 404, 405, 408, 413,
                                                 414, 415, 422, 431, 500, 503};
  static constexpr size_t kCodeSlots = kCodes.size() + 1;
  // Request duration buckets (seconds): fine below a millisecond, where single decisions land.
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};
  static size_t CodeSlot(int status);

  struct HandlerStats {
    std::array<std::atomic<uint64_t>, kCodeSlots> by_code{};
    std::array<std::atomic<uint64_t>, kBuckets.size()>
        buckets{};  // not cumulative; summed on output
    std::atomic<uint64_t> observed{0};
    std::atomic<uint64_t> sum_nanoseconds{0};
  };
  std::array<HandlerStats, kHandlerCount> handlers_;
  std::array<std::atomic<uint64_t>, 6> decisions_{};
  const double start_time_seconds_;
};

// The process's resident set in bytes (from /proc/self/statm); 0 when unknown.
uint64_t ResidentMemoryBytes();

}  // namespace licit::server
