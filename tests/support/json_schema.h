// A validator for the subset of JSON Schema (OpenAPI 3.0.3 flavour) that openapi.json uses
// (api/http/openapi_schemas.cc): $ref to #/components/schemas/..., type (string, integer,
// number, boolean, object, array), nullable, enum, required, properties,
// additionalProperties (true, false or a schema), items, maxItems, oneOf (exactly one),
// allOf, anyOf, pattern, minimum, maximum. Debian 12 packages no JSON Schema validator for
// C++ (libnlohmann-json-schema-validator-dev is not in bookworm), hence this one. A keyword
// it does not know is refused, so the schema cannot silently say more than is checked.
// Header-only; tests only.
#pragma once

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

namespace suiji::testing_support {

// "" when `value` matches `schema`, else the first mismatch: its JSON path and what was
// wanted. `doc` is the document $refs point into (openapi.json).
inline std::string SchemaMismatch(const nlohmann::json& doc, const nlohmann::json& schema, const nlohmann::json& value,
                                  const std::string& at = "$") {
  using nlohmann::json;
  static const std::set<std::string> kKnown = {
      "$ref",  "type",    "nullable", "enum",    "required", "properties", "additionalProperties", "items",
      "oneOf", "allOf",   "anyOf",    "pattern", "minimum",  "maximum",    "maxItems",             "description",
      "format"};
  if (!schema.is_object()) return at + ": the schema is not an object: " + schema.dump();
  for (const auto& [key, unused] : schema.items()) {
    if (!kKnown.count(key)) return at + ": the validator does not know the keyword " + key;
  }
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0 || !doc["components"]["schemas"].contains(ref.substr(prefix.size()))) {
      return at + ": unresolved $ref " + ref;
    }
    return SchemaMismatch(doc, doc["components"]["schemas"][ref.substr(prefix.size())], value, at);
  }
  if (value.is_null() && schema.value("nullable", false)) return "";
  if (schema.contains("allOf")) {
    for (const auto& s : schema["allOf"]) {
      if (std::string m = SchemaMismatch(doc, s, value, at); !m.empty()) return m;
    }
  }
  if (schema.contains("oneOf")) {
    size_t matched = 0;
    std::string first;
    for (const auto& s : schema["oneOf"]) {
      std::string m = SchemaMismatch(doc, s, value, at);
      if (m.empty()) ++matched;
      else if (first.empty()) first = m;
    }
    if (matched != 1) {
      return at + ": matches " + std::to_string(matched) + " of oneOf's schemas, not exactly one" +
             (first.empty() ? "" : " (first mismatch: " + first + ")");
    }
  }
  if (schema.contains("anyOf")) {
    bool any = false;
    for (const auto& s : schema["anyOf"]) any = any || SchemaMismatch(doc, s, value, at).empty();
    if (!any) return at + ": matches none of anyOf's schemas";
  }
  if (schema.contains("type")) {
    const std::string type = schema["type"];
    bool ok = false;
    if (type == "string") ok = value.is_string();
    else if (type == "integer") ok = value.is_number_integer();
    else if (type == "number") ok = value.is_number();
    else if (type == "boolean") ok = value.is_boolean();
    else if (type == "object") ok = value.is_object();
    else if (type == "array") ok = value.is_array();
    else return at + ": unknown type " + type;
    if (!ok) return at + ": wanted " + type + (schema.value("nullable", false) ? " or null" : "") + ", got " + value.dump().substr(0, 60);
  }
  if (schema.contains("enum")) {
    const json& e = schema["enum"];
    if (std::find(e.begin(), e.end(), value) == e.end()) return at + ": " + value.dump() + " is not one of " + e.dump();
  }
  if (schema.contains("pattern") && value.is_string()) {
    if (!std::regex_search(value.get<std::string>(), std::regex(schema["pattern"].get<std::string>()))) {
      return at + ": " + value.dump() + " does not match " + schema["pattern"].get<std::string>();
    }
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>()) {
      return at + ": " + value.dump() + " is below the minimum " + schema["minimum"].dump();
    }
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>()) {
      return at + ": " + value.dump() + " is above the maximum " + schema["maximum"].dump();
    }
  }
  if (value.is_array()) {
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<size_t>()) {
      return at + ": more than " + schema["maxItems"].dump() + " items";
    }
    if (schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        if (std::string m = SchemaMismatch(doc, schema["items"], value[i], at + "[" + std::to_string(i) + "]"); !m.empty()) {
          return m;
        }
      }
    }
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const auto& k : schema["required"]) {
        if (!value.contains(k.get<std::string>())) return at + ": the required key " + k.get<std::string>() + " is missing";
      }
    }
    const json props = schema.value("properties", json::object());
    const json extra = schema.value("additionalProperties", json(true));
    for (const auto& [key, v] : value.items()) {
      if (props.contains(key)) {
        if (std::string m = SchemaMismatch(doc, props[key], v, at + "." + key); !m.empty()) return m;
      } else if (extra.is_boolean()) {
        if (!extra.get<bool>()) return at + ": the key " + key + " is not in the schema";
      } else if (std::string m = SchemaMismatch(doc, extra, v, at + "." + key); !m.empty()) {
        return m;
      }
    }
  }
  return "";
}

}  // namespace suiji::testing_support
