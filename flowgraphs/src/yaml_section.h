// Strict reading of YAML configuration: every field named by its path, every range checked,
// every unknown key refused (a typo in a station file must not be silently ignored).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>
#include <sstream>
#include <string>

#include "profile.h"

namespace groundlink::app {

/// A YAML mapping read with its field path, refusing keys nobody asked for.
class Section {
 public:
  Section(YAML::Node node, std::string path, std::string origin)
      : node_(std::move(node)), path_(std::move(path)), origin_(std::move(origin)) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) fail(path_, "must be a mapping");
  }

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw ProfileError(origin_ + ": " + (field.empty() ? "profile" : field) + " " + what);
  }

  std::string field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  bool has(const std::string& key) {
    seen_.insert(key);
    return node_ && node_.IsMap() && node_[key] && !node_[key].IsNull();
  }

  Section section(const std::string& key) {
    seen_.insert(key);
    return Section(node_ && node_.IsMap() ? node_[key] : YAML::Node(), field(key), origin_);
  }

  YAML::Node raw(const std::string& key) {
    seen_.insert(key);
    return node_ && node_.IsMap() ? node_[key] : YAML::Node();
  }

  std::string str(const std::string& key, const std::string& def, const std::set<std::string>& allowed = {}) {
    if (!has(key)) return def;
    YAML::Node n = node_[key];
    if (!n.IsScalar()) fail(field(key), "must be a scalar");
    std::string v = n.Scalar();
    if (!allowed.empty() && !allowed.count(v)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(field(key), "is '" + v + "'; allowed: " + list);
    }
    return v;
  }

  double num(const std::string& key, double def, double lo, double hi) {
    if (!has(key)) return def;
    double v;
    try {
      v = node_[key].as<double>();
    } catch (const YAML::Exception&) {
      fail(field(key), "must be a number in [" + fmt(lo) + ", " + fmt(hi) + "]");
    }
    if (!std::isfinite(v) || v < lo || v > hi)
      fail(field(key), "is " + fmt(v) + "; allowed range [" + fmt(lo) + ", " + fmt(hi) + "]");
    return v;
  }

  int integer(const std::string& key, int def, int lo, int hi) {
    if (!has(key)) return def;
    long long v;
    try {
      v = node_[key].as<long long>();
    } catch (const YAML::Exception&) {
      fail(field(key), "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    if (v < lo || v > hi)
      fail(field(key), "is " + std::to_string(v) + "; allowed range [" + std::to_string(lo) + ", " +
                           std::to_string(hi) + "]");
    return static_cast<int>(v);
  }

  bool boolean(const std::string& key, bool def) {
    if (!has(key)) return def;
    try {
      return node_[key].as<bool>();
    } catch (const YAML::Exception&) {
      fail(field(key), "must be true or false");
    }
  }

  /// Call after reading: any key not asked for is an error naming it.
  void finish() const {
    if (!node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string k = kv.first.as<std::string>();
      if (!seen_.count(k)) {
        std::string list;
        for (const auto& a : seen_) list += (list.empty() ? "" : ", ") + a;
        fail(field(k), "is not a known field (known here: " + list + ")");
      }
    }
  }

  static std::string fmt(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
  }

 private:
  YAML::Node node_;
  std::string path_, origin_;
  std::set<std::string> seen_;
};


}  // namespace groundlink::app
