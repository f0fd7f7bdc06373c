#include "server/policy_store.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace licit::server {

namespace fs = std::filesystem;

std::string TimestampUtc(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms.count() % 1000);
}

PolicyStore::PolicyStore(std::vector<std::string> arguments, licit::EngineOptions options)
    : arguments_(std::move(arguments)), engine_(std::move(options)) {}

std::vector<std::string> PolicyStore::ExpandArguments(const std::vector<std::string>& arguments) {
  std::vector<std::string> files;
  for (const std::string& argument : arguments) {
    std::error_code ec;
    if (!fs::is_directory(argument, ec)) {
      files.push_back(argument);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator
             it(argument, fs::directory_options::skip_permission_denied, ec),
         end;
         !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".licit" && it->is_regular_file(ec)) {
        found.push_back(it->path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

ReloadResult PolicyStore::Reload() {
  std::lock_guard<std::mutex> reload_lock(reload_mutex_);
  std::vector<std::string> files = ExpandArguments(arguments_);
  ReloadResult result;
  licit::Compilation compilation;
  if (files.empty()) {
    // A directory with no policy in it: nothing to compile, which is not a policy set.
    result.diagnostics_json =
        nlohmann::json{{"diagnostics",
                        nlohmann::json::array({{{"severity", "error"},
                                                {"code", "E0001"},
                                                {"message", "no *.licit file in the given paths"},
                                                {"file", nullptr}}})},
                       {"errors", 1},
                       {"warnings", 0}}
            .dump();
    result.diagnostics_text = "error: no *.licit file in the given paths\n";
  } else {
    compilation = engine_.compile_files(files);
    result.ok = compilation.ok();
    result.diagnostics_json = compilation.diagnostics_json();
    // The API's JSON ends with a newline (it is what the CLI prints); the server embeds it.
    while (!result.diagnostics_json.empty() && result.diagnostics_json.back() == '\n') {
      result.diagnostics_json.pop_back();
    }
    result.diagnostics_text = compilation.diagnostics_text();
  }
  result.at = TimestampUtc();
  // The policy goes in before the description changes, so /v1/policy never describes a policy
  // that is not yet serving.
  if (result.ok) slot_.store(compilation.policy());
  std::lock_guard<std::mutex> info_lock(info_mutex_);
  if (result.ok) {
    loaded_at_ = result.at;
    files_ = std::move(files);
    ++reloads_ok_;
  } else {
    ++reloads_failed_;
  }
  last_reload_ = result;
  any_reload_ = true;
  return result;
}

std::string PolicyStore::DescribeJson() const {
  using nlohmann::json;
  licit::Policy policy = slot_.load();
  std::lock_guard<std::mutex> lock(info_mutex_);
  json out;
  if (policy.valid()) {
    out["digest"] = policy.digest();
    out["loaded_at"] = loaded_at_;
    out["files"] = files_;
    json policies = json::array();
    for (const licit::PolicyInfo& p : policy.policies()) {
      policies.push_back({{"name", p.name},
                          {"version", p.version ? json(*p.version) : json(nullptr)},
                          {"file", p.file},
                          {"rules", p.rules}});
    }
    out["policies"] = std::move(policies);
    out["rules"] = policy.rule_count();
    out["engine"] = licit::engine_kind_name(policy.engine_kind());
  } else {
    out["digest"] = nullptr;
    out["loaded_at"] = nullptr;
    out["files"] = json::array();
    out["policies"] = json::array();
    out["rules"] = 0;
    out["engine"] = licit::engine_kind_name(engine_.engine_kind());
  }
  if (any_reload_) {
    json diagnostics = json::parse(last_reload_.diagnostics_json, nullptr, false);
    out["last_reload"] = {
        {"at", last_reload_.at},
        {"ok", last_reload_.ok},
        {"diagnostics", diagnostics.is_object() ? diagnostics["diagnostics"] : json::array()}};
  } else {
    out["last_reload"] = nullptr;
  }
  return out.dump();
}

std::vector<std::string> PolicyStore::WatchedPaths() const {
  std::vector<std::string> paths;
  licit::Policy policy = slot_.load();
  for (const std::string& file : policy.source_files()) {
    // The embedded standard library has no file on disk to watch.
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) paths.push_back(file);
  }
  for (const std::string& argument : arguments_) {
    std::error_code ec;
    if (fs::is_directory(argument, ec)) paths.push_back(argument);
  }
  {
    std::lock_guard<std::mutex> lock(info_mutex_);
    paths.insert(paths.end(), files_.begin(), files_.end());
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

uint64_t PolicyStore::reloads_ok() const {
  std::lock_guard<std::mutex> lock(info_mutex_);
  return reloads_ok_;
}

uint64_t PolicyStore::reloads_failed() const {
  std::lock_guard<std::mutex> lock(info_mutex_);
  return reloads_failed_;
}

}  // namespace licit::server
