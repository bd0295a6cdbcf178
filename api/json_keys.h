// Strict JSON readers for the command line's input files (tasks, results): every key of an
// object must be a known one and every value of the expected type, or the file is refused
// naming the key's path (e.g. "items[0].outcome") — a misspelt key never silently takes its
// default. Header-only; used by api/cli_*.cc.
#pragma once

#include <algorithm>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/core/status.h"

namespace suiji::cli::json_keys {

using nlohmann::json;
using Reader = std::function<Status(const json& value, const std::string& path)>;
struct Key {
  std::string_view name;
  Reader read;
};

inline std::string Describe(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

inline Status WrongType(const std::string& path, std::string_view want, const json& v) {
  return InvalidArgument("JSON: " + path + " must be " + std::string(want) + ", not " +
                         Describe(v));
}

// Reads an object whose every key must be one of `keys`; `path` names it in errors.
inline Status ReadKeys(const json& obj, const std::string& path, const std::vector<Key>& keys) {
  const std::string what = path.empty() ? "the file" : path;
  if (!obj.is_object()) return WrongType(what, "an object", obj);
  for (const auto& item : obj.items()) {
    const std::string& name = item.key();  // (not a binding: clang 14 cannot capture one)
    const json& value = item.value();
    const std::string at = path.empty() ? name : path + "." + name;
    auto k = std::find_if(keys.begin(), keys.end(), [&](const Key& x) { return x.name == name; });
    if (k == keys.end()) {
      std::string known;
      for (const auto& x : keys) known += (known.empty() ? "" : ", ") + std::string(x.name);
      return InvalidArgument("JSON: unknown key \"" + at + "\" (the keys of " + what +
                             " are: " + known + ")");
    }
    SUIJI_RETURN_IF_ERROR(k->read(value, at));
  }
  return OkStatus();
}

inline Reader Text(std::string* out) {
  return [out](const json& v, const std::string& at) -> Status {
    if (!v.is_string()) return WrongType(at, "a string", v);
    *out = v.get<std::string>();
    return OkStatus();
  };
}

inline Reader Texts(std::vector<std::string>* out) {
  return [out](const json& v, const std::string& at) -> Status {
    if (!v.is_array()) return WrongType(at, "an array of strings", v);
    out->clear();
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        return WrongType(at + "[" + std::to_string(i) + "]", "a string", v[i]);
      }
      out->push_back(v[i].get<std::string>());
    }
    return OkStatus();
  };
}

inline Reader Flag(bool* out) {
  return [out](const json& v, const std::string& at) -> Status {
    if (!v.is_boolean()) return WrongType(at, "true or false", v);
    *out = v.get<bool>();
    return OkStatus();
  };
}

template <typename T>
Reader Number(T* out) {
  return [out](const json& v, const std::string& at) -> Status {
    const uint64_t max = std::numeric_limits<T>::max();
    if (!v.is_number_unsigned()) {
      return WrongType(at, "a whole number 0.." + std::to_string(max), v);
    }
    const uint64_t n = v.get<uint64_t>();
    if (n > max) return WrongType(at, "a whole number 0.." + std::to_string(max), v);
    *out = static_cast<T>(n);
    return OkStatus();
  };
}

template <typename E>
Reader Choice(E* out, std::vector<E> values, std::string_view (*name)(E)) {
  return [out, values = std::move(values), name](const json& v, const std::string& at) -> Status {
    std::string names;
    for (E e : values) names += (names.empty() ? "" : ", ") + std::string(name(e));
    if (v.is_string()) {
      for (E e : values) {
        if (v.get<std::string>() == name(e)) {
          *out = e;
          return OkStatus();
        }
      }
    }
    return WrongType(at, "one of " + names, v);
  };
}

}  // namespace suiji::cli::json_keys
