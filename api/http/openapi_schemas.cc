// The request and reply schemas of every route (openapi_schemas.h), written in a short
// notation that Expand() turns into OpenAPI 3.0.3 schema objects:
//   "string" "integer" "number" "boolean"   {"type": ...}
//   "object"                                 any JSON object (a document described elsewhere)
//   "date"                                   "YYYY-MM-DD";  "date?" the same or ""
//   "hex64"                                  64 lower-case hex digits (a SHA-256)
//   "@Name"                                  {"$ref": "#/components/schemas/Name"}
//   "[X]"                                    an array of X
//   "?X"                                     X or null (OpenAPI 3.0's nullable)
//   {"obj": {key: X, ...}, "opt": [keys]}    an object with exactly these keys, all required
//                                            but those in "opt"; "open": true allows others,
//                                            "values": X describes a map's values
//   anything else                            an OpenAPI schema object, its parts expanded
// Each field below is what the handler reads (api/json_keys.h readers, so a request's unknown
// key is refused: additionalProperties false) or what it writes (api/cli_*.cc ToJson, the
// route files), checked against real requests and replies by tests/api/http/openapi_test.cc.
#include "api/http/openapi_schemas.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/http/server_internal.h"

namespace suiji::http {

namespace {

using nlohmann::json;

// --- components -------------------------------------------------------------------------------

constexpr const char* kComponents = R"json({
  "Error": {"obj": {"code": "string", "message": "string", "details": "object"},
            "description": "every error reply: a code for programs, a message for people (Chinese first where the route speaks to staff), details (e.g. field: the request field concerned)"},
  "Written": {"obj": {"sequence": "integer"}, "description": "a write: the log sequence of its (first) event"},
  "IdempotentReplay": {"obj": {"idempotent_replay": {"type": "boolean", "enum": [true]}, "sequence": "integer",
                               "events": "integer", "type": "string"},
                       "description": "a write retried with an Idempotency-Key the log already holds (from before the node restarted): what it wrote"},
  "Upserted": {"oneOf": [{"obj": {"sequence": "integer"}}, {"obj": {"unchanged": {"type": "boolean", "enum": [true]}}}],
               "description": "a PUT: the event's sequence, or unchanged when the record already says this"},
  "Role": {"type": "string", "enum": ["registry_clerk", "planner", "inspector", "reviewer", "supervisor", "administrator"]},
  "CreditGrade": {"type": "string", "enum": ["", "A", "B", "C"], "description": "诚信等级; empty: not graded"},

  "User": {"obj": {"user_id": "string", "name": "string", "org_id": "string", "region": "string", "roles": "[@Role]",
                   "inspector_id": "string", "disabled": "boolean", "version": "integer", "signs_requests": "boolean"}},
  "UserRegistration": {"obj": {"user_id": "string", "name": "string", "org_id": "string", "roles": "[@Role]",
                               "inspector_id": "string", "public_key": {"type": "string", "pattern": "^([0-9a-fA-F]{2})*$"},
                               "note": "string"},
                       "opt": ["name", "inspector_id", "public_key", "note"],
                       "description": "a new user or a new version of one; public_key: its Ed25519 key (hex), for signed requests"},
  "Reason": {"obj": {"reason": "string"}},
  "TokenRequest": {"obj": {"label": "string", "ttl_seconds": "integer"}, "opt": ["label", "ttl_seconds"],
                   "description": "ttl_seconds 0 or absent: no expiry (a token issued with an expiring token may not outlive it)"},
  "IssuedToken": {"obj": {"token_id": "string", "token": "string", "note": "string", "sequence": "integer"}},

  "SignIn": {"obj": {"user_id": "string", "password": "string"}},
  "Session": {"obj": {"user_id": "string", "name": "string", "org_id": "string", "region": "string", "roles": "[@Role]",
                      "inspector_id": "string", "csrf_token": "?string", "expires_us": "?integer"},
              "description": "who is signed in; csrf_token and expires_us when signed in by the session cookie (null for a token or a signed request)"},
  "SignedOut": {"obj": {"signed_out": "boolean"}},
  "PasswordChange": {"obj": {"password": "string", "old_password": "string", "reason": "string"},
                     "opt": ["old_password", "reason"],
                     "description": "password: at least 10 characters; old_password: when a user changes its own"},
  "PasswordSet": {"obj": {"user_id": "string", "message": "string", "sequence": "integer"}},

  "OrgLevel": {"type": "string", "enum": ["province", "city", "county"]},
  "Org": {"obj": {"org_id": "string", "name": "string", "region": "string", "level": "@OrgLevel", "parent_org_id": "string"}},
  "OrgRegistration": {"obj": {"org_id": "string", "name": "string", "region": "string", "level": "@OrgLevel",
                              "parent_org_id": "string"},
                      "opt": ["parent_org_id"]},
  "OrgList": {"obj": {"orgs": "[@Org]"}},

  "TargetStatus": {"type": "string", "enum": ["active", "deregistered", "moved"]},
  "Target": {"obj": {"credit_code": "string", "name": "string", "region": "string", "industry": "string",
                     "headcount": "integer", "credit_grade": "@CreditGrade", "grade_date": "date?",
                     "blacklisted": "boolean", "blacklist_name": "string", "blacklist_from": "date?",
                     "blacklist_until": "date?", "star_level": "integer", "complaints": "integer",
                     "status": "@TargetStatus", "org_id": "string"},
             "description": "an employer (用人单位) of the target directory"},
  "TargetUpsert": {"obj": {"name": "string", "region": "string", "industry": "string", "headcount": "integer",
                           "credit_grade": "@CreditGrade", "grade_date": "date?", "blacklisted": "boolean",
                           "blacklist_name": "string", "blacklist_from": "date?", "blacklist_until": "date?",
                           "star_level": {"type": "integer", "maximum": 5}, "complaints": "integer", "org_id": "string"},
                   "opt": ["headcount", "credit_grade", "grade_date", "blacklisted", "blacklist_name", "blacklist_from",
                           "blacklist_until", "star_level", "complaints", "org_id"],
                   "description": "the whole record (the credit code is the path's); org_id: the caller's org unit when absent"},
  "TargetList": {"obj": {"targets": "[@Target]", "region": "string", "limit": "integer"}},
  "TargetPage": {"obj": {"targets": "[@Target]", "region": "string", "limit": "integer", "next_cursor": "string",
                         "bounded": "boolean", "examined": "integer"},
                 "description": "a page of the staff search (with ?cursor): next_cursor empty on the last page; bounded: the page stopped after examining its bound of index entries (ask again with next_cursor)"},
  "TargetRetirement": {"obj": {"reason": "string", "moved": "boolean"}, "opt": ["moved"],
                       "description": "moved: moved away (else deregistered)"},

  "InspectorStatus": {"type": "string", "enum": ["active", "suspended", "retired"]},
  "Inspector": {"obj": {"inspector_id": "string", "name": "string", "domains": "[string]", "specialties": "[string]",
                        "org_id": "string", "region": "string", "status": "@InspectorStatus", "auxiliary": "boolean"}},
  "InspectorUpsert": {"obj": {"name": "string", "domains": "[string]", "specialties": "[string]", "org_id": "string",
                              "region": "string", "status": {"type": "string", "enum": ["active", "suspended"]},
                              "auxiliary": "boolean"},
                      "opt": ["specialties", "org_id", "region", "status", "auxiliary"],
                      "description": "org_id and region: the caller's when absent; retire with POST .../retire"},
  "InspectorList": {"obj": {"inspectors": "[@Inspector]", "org": "string", "limit": "integer"}},
  "InspectorPage": {"obj": {"inspectors": "[@Inspector]", "region": "string", "limit": "integer", "next_cursor": "string",
                            "bounded": "boolean", "examined": "integer"},
                    "description": "a page of the staff search (with ?cursor), as TargetPage"},
  "InspectorDetail": {"obj": {"inspector_id": "string", "name": "string", "domains": "[string]", "specialties": "[string]",
                              "org_id": "string", "region": "string", "status": "@InspectorStatus", "auxiliary": "boolean",
                              "conflicts": "[string]"},
                      "description": "one inspector with its conflicts (回避): the credit codes it must not inspect"},
  "ConflictDeclaration": {"obj": {"inspector_id": "string", "credit_code": "string", "reason": "string"}, "opt": ["reason"]},

  "Item": {"obj": {"item_id": "string", "name": "string", "implementing_body": "string", "legal_basis": "string",
                   "content": "string", "method": {"type": "string", "enum": ["written", "on-site", "online"]},
                   "kind": {"type": "string", "enum": ["key", "general"]}, "checklist": "[string]",
                   "responsible_body": "string"}},
  "ItemList": {"obj": {"org_id": "string", "version": "integer", "effective_date": "date", "note": "string",
                       "items": "[@Item]"}},
  "Event": {"obj": {"sequence": "integer", "type": "string", "time_us": "integer",
                    "actor": {"obj": {"org_unit": "string", "user": "string"}},
                    "payload": {"type": "object", "nullable": true,
                                "description": "the event's payload decoded from its FlatBuffers table (schemas/*.fbs); null for a type this build does not know"}}},
  "History": {"obj": {"kind": {"type": "string", "enum": ["target", "inspector", "org", "items"]}, "id": "string",
                      "events": "[@Event]"}},
  "CalendarTable": {"obj": {"table": "string"}, "opt": ["table"],
                    "description": "holiday schedules in the format of ops/calendar/cn-workdays.tsv; no body or no table: the bundled 2016-2026 notices"},
  "CalendarPublished": {"obj": {"published": "integer", "years": "integer"}},
  "CalendarYear": {"obj": {"year": "integer", "source": "string", "holidays": "[@Holiday]", "workdays": "[date]"}},
  "Holiday": {"obj": {"date": "date", "name": "string"}},
  "WorkingDays": {"obj": {"date": "date", "working_days": "integer", "due": "date"}},
  "RowProblem": {"obj": {"row": "integer", "column": "string", "value": "string", "reason": "string"},
                 "description": "a bad cell: row 1 is the header, column the file's own header"},
  "ImportReport": {"obj": {"rows": "integer", "added": "integer", "changed": "integer", "unchanged": "integer",
                           "retired": "integer", "bad_rows": "integer", "events": "integer", "written": "boolean",
                           "first_sequence": "integer", "problems": "[@RowProblem]", "preview": "@ImportPreview"},
                   "opt": ["preview"], "description": "preview: only for a dry run"},
  "ImportPreview": {"obj": {"header": "[string]", "rows": "[@ImportPreviewRow]", "total_rows": "integer"},
                    "description": "the file as read: its header and its first 2000 rows (total_rows: all of them)"},
  "ImportPreviewRow": {"obj": {"row": "integer", "cells": "[string]"},
                       "description": "row: its number in the file, as problems name it (1 is the header)"},

  "PlanFiling": {"obj": {"plan_id": "string", "org_id": "string", "year": "integer", "title": "string",
                         "filed_with_org_id": "string", "note": "string"},
                 "opt": ["filed_with_org_id", "note"]},
  "Plan": {"obj": {"plan_id": "string", "org_id": "string", "year": "integer", "title": "string",
                   "filed_with_org_id": "string", "version": "integer", "note": "string", "sequence": "integer"}},
  "PlanSummary": {"obj": {"plan_id": "string", "org_id": "string", "year": "integer", "title": "string",
                          "filed_with_org_id": "string", "version": "integer", "note": "string", "sequence": "integer",
                          "tasks": "integer"},
                  "description": "a plan's latest version and how many tasks it has"},
  "PlanList": {"obj": {"plans": "[@PlanSummary]"}},
  "PlanVersions": {"obj": {"plan_id": "string", "versions": "[@Plan]"}, "description": "every filed version, oldest first"},
  "StrataBy": {"type": "string", "enum": ["none", "region", "city", "industry"]},
  "QuotaSplit": {"type": "string", "enum": ["proportional", "equal", "explicit"]},
  "StarPolicy": {"type": "string", "enum": ["exempt", "reduce", "ignore"]},
  "CreditRules": {"obj": {"grade_a_exempt_years": "integer", "grade_c_ratio_bp": "integer",
                          "grade_c_ignores_no_repeat": "boolean", "base_weight": "integer",
                          "blacklist_multiplier": "integer", "star_threshold": "integer", "star_policy": "@StarPolicy",
                          "complaint_step": "integer", "complaint_cap": "integer"}},
  "FrequencyRules": {"obj": {"max_per_year": "integer", "no_repeat_item_within_year": "boolean"}},
  "InspectorRequirements": {"obj": {"domains": "[string]", "specialties": "[string]", "regions": "[string]",
                                    "team_size": "integer", "substitutes": "integer", "experts": "integer",
                                    "expert_specialties": "[string]"}},
  "StratumQuota": {"obj": {"key": "string", "count": "integer"}},
  "Task": {"obj": {"task_id": "string", "plan_id": "string", "org_id": "string", "title": "string",
                   "item_list_version": "integer", "item_ids": "[string]", "key_items": "boolean",
                   "batch_size": "integer", "regions": "[string]", "industries": "[string]",
                   "min_headcount": "integer", "directed": "boolean", "credit_grades": "[string]",
                   "blacklisted_only": "boolean", "ratio_bp": "integer", "count": "integer",
                   "strata_by": "@StrataBy", "quota_split": "@QuotaSplit", "quotas": "[@StratumQuota]",
                   "credit": "@CreditRules", "frequency": "@FrequencyRules", "window_start": "date",
                   "window_end": "date", "inspectors": "@InspectorRequirements", "joint_departments": "[string]"},
           "description": "a task with every rule its draws depend on (README: Task JSON), as the server prints it"},
  "TaskDefinition": {"obj": {"task_id": "string", "plan_id": "string", "org_id": "string", "title": "string",
                             "item_list_version": "integer", "item_ids": "[string]", "key_items": "boolean",
                             "batch_size": "integer", "regions": "[string]", "industries": "[string]",
                             "min_headcount": "integer", "directed": "boolean", "credit_grades": "[string]",
                             "blacklisted_only": "boolean", "ratio_bp": "integer", "count": "integer",
                             "strata_by": "@StrataBy", "quota_split": "@QuotaSplit", "quotas": "[@StratumQuota]",
                             "credit": "@CreditRulesInput", "frequency": "@FrequencyRulesInput",
                             "window_start": "date", "window_end": "date",
                             "inspectors": "@InspectorRequirementsInput", "joint_departments": "[string]"},
                     "opt": ["key_items", "batch_size", "regions", "industries", "min_headcount", "directed",
                             "credit_grades", "blacklisted_only", "ratio_bp", "count", "strata_by", "quota_split",
                             "quotas", "credit", "frequency", "inspectors", "joint_departments"],
                     "description": "the task file (README: Task JSON): a key left out takes its default; ratio_bp or count sizes the draw"},
  "CreditRulesInput": {"obj": {"grade_a_exempt_years": "integer", "grade_c_ratio_bp": "integer",
                               "grade_c_ignores_no_repeat": "boolean", "base_weight": "integer",
                               "blacklist_multiplier": "integer", "star_threshold": "integer",
                               "star_policy": "@StarPolicy", "complaint_step": "integer", "complaint_cap": "integer"},
                       "opt": ["grade_a_exempt_years", "grade_c_ratio_bp", "grade_c_ignores_no_repeat", "base_weight",
                               "blacklist_multiplier", "star_threshold", "star_policy", "complaint_step", "complaint_cap"]},
  "FrequencyRulesInput": {"obj": {"max_per_year": "integer", "no_repeat_item_within_year": "boolean"},
                          "opt": ["max_per_year", "no_repeat_item_within_year"]},
  "InspectorRequirementsInput": {"obj": {"domains": "[string]", "specialties": "[string]", "regions": "[string]",
                                         "team_size": "integer", "substitutes": "integer", "experts": "integer",
                                         "expert_specialties": "[string]"},
                                 "opt": ["domains", "specialties", "regions", "team_size", "substitutes", "experts",
                                         "expert_specialties"]},
  "DrawPhase": {"type": "string", "enum": ["frozen", "committed", "revealed", "drawn", "cancelled"]},
  "DrawHead": {"obj": {"draw_id": "string", "phase": "@DrawPhase", "cancel_reason": "string"}, "opt": ["cancel_reason"],
               "description": "cancel_reason: only for a cancelled draw"},
  "TaskInfo": {"obj": {"task": "@Task", "sequence": "integer", "year": "integer", "withdrawn": "boolean",
                       "params_hash": "hex64", "draws": "[@DrawHead]", "commits": "integer",
                       "cancelled_commits": "integer", "redraws": "integer"}},
  "TaskList": {"obj": {"tasks": "[@TaskInfo]"}},
  "Frozen": {"obj": {"draw_id": "string", "sequence": "integer"}},
  "TaskEstimate": {"obj": {"task_id": "string", "plan_year": "integer", "targets": "integer", "inspectors": "integer",
                           "experts": "integer",
                           "excluded": {"obj": {"out_of_scope": "integer", "grade_a": "integer", "star": "integer",
                                                "max_per_year": "integer", "repeat_item": "integer",
                                                "directed_filter": "integer"}},
                           "strata": "[@StratumEstimate]", "visits": "integer", "grade_c_visits": "integer",
                           "count": "integer", "ratio_bp": "integer", "grade_c_ratio_bp": "integer",
                           "team_size": "integer",
                           "freeze_refusal": {"type": "string", "enum": ["", "no_eligible_target", "too_few_inspectors"],
                                              "description": "what a freeze now would refuse; empty: nothing"}},
                   "description": "what a freeze of the task at this position would record: eligible employers, inspectors and experts, the exclusions, the quotas per stratum"},
  "StratumEstimate": {"obj": {"key": "string", "population": "integer", "weight_total": "integer", "quota": "integer",
                              "grade_c": "boolean"}},
  "EntropyPlan": {"obj": {"drand": "boolean", "drand_delay_seconds": "integer", "lottery_name": "string",
                          "lottery_issue": "string", "lottery_time": "integer", "witnesses": "[string]", "note": "string"},
                  "opt": ["drand", "drand_delay_seconds", "lottery_name", "lottery_issue", "lottery_time", "witnesses", "note"],
                  "description": "the entropy the seed will take, which does not exist yet: a drand round, a public lottery draw, witnesses' digits"},
  "RevealInputs": {"obj": {"witness_digits": "[string]", "lottery_digits": "string",
                           "drand_randomness": {"type": "string", "pattern": "^([0-9a-fA-F]{2})*$"},
                           "drand_signature": {"type": "string", "pattern": "^([0-9a-fA-F]{2})*$"}},
                   "opt": ["witness_digits", "lottery_digits", "drand_randomness", "drand_signature"]},
  "DeclineRequest": {"obj": {"credit_code": "string", "inspector_id": "string", "reason": "string"}},
  "Declined": {"obj": {"sequence": "integer", "replacement": "string"}, "opt": ["replacement"],
               "description": "replacement: the substitute who takes the place"},
  "Announcement": {"obj": {"confirmed_by": "[string]", "publish_targets": "boolean", "withheld_reason": "string",
                           "note": "string"},
                   "opt": ["publish_targets", "withheld_reason", "note"]},
  "StratumCount": {"obj": {"key": "string", "population": "integer", "weight_total": "integer", "quota": "integer"}},
  "StratumResult": {"obj": {"key": "string", "population": "integer", "weight_total": "integer", "quota": "integer",
                            "selected": "integer"}},
  "DrawFreeze": {"obj": {"sequence": "integer", "time": "string", "target_count": "integer", "target_root": "hex64",
                         "inspector_count": "integer", "inspector_root": "hex64", "expert_count": "integer",
                         "expert_root": "hex64", "strata": "[@StratumCount]"}},
  "DrawCommitment": {"obj": {"sequence": "integer", "time": "string", "commitment_hash": "hex64", "task_id": "string",
                             "freeze_sequence": "integer", "target_count": "integer", "target_root": "hex64",
                             "inspector_count": "integer", "inspector_root": "hex64", "expert_count": "integer",
                             "expert_root": "hex64", "params_hash": "hex64", "algorithm": "string",
                             "secret_hash": "hex64", "drand_chain": "string", "drand_round": "integer",
                             "drand_round_time": "integer", "lottery_name": "string", "lottery_issue": "string",
                             "lottery_time": "integer", "witnesses": "[string]", "note": "string", "drand_url": "string"},
                     "opt": ["drand_url"]},
  "DrawReveal": {"obj": {"sequence": "integer", "time": "string", "secret": "string", "drand_randomness": "string",
                         "drand_signature": "string", "lottery_digits": "string", "witness_digits": "[string]",
                         "seed": "string"}},
  "Visit": {"obj": {"order": "integer", "batch": "integer", "credit_code": "string", "name": "string",
                    "stratum": "string", "weight": "integer", "rank_key": {"type": "integer", "description": "a 64-bit key: above 2^53 a JavaScript number loses its low digits"}, "team": "[string]",
                    "experts": "[string]", "substitutes": "[string]", "merged_into": "string"}},
  "DrawResult": {"obj": {"parts": "integer", "selected_total": "integer", "strata": "[@StratumResult]",
                         "visits": "[@Visit]"}},
  "DrawCancellation": {"obj": {"sequence": "integer", "reason": "string", "phase_before": "@DrawPhase"}},
  "DeclineRecord": {"obj": {"credit_code": "string", "inspector_id": "string", "reason": "string",
                            "replacement_id": "string"}},
  "Draw": {"obj": {"draw_id": "string", "task_id": "string", "phase": "@DrawPhase", "freeze": "@DrawFreeze",
                   "commitment": "?@DrawCommitment", "reveal": "?@DrawReveal", "result": "?@DrawResult",
                   "cancellation": "?@DrawCancellation", "declines": "[@DeclineRecord]", "redraws": "integer",
                   "task_draws": "[@DrawHead]"},
           "opt": ["redraws", "task_draws"]},

  "Outcome": {"type": "string", "enum": ["no_problem", "corrected", "pending_handling", "uncooperative", "unreachable",
                                         "closed", "no_activity", "other"],
              "description": "检查结果 from the common outcome list (a request may also give its Chinese label)"},
  "Handling": {"type": "string", "enum": ["order_correction", "case_filed", "fine", "transfer_department",
                                          "transfer_police", "no_penalty"]},
  "Finding": {"obj": {"point": "string", "compliant": "boolean", "text": "string"}},
  "FindingInput": {"obj": {"point": "string", "compliant": "boolean", "text": "string"}, "opt": ["compliant", "text"]},
  "Violation": {"obj": {"description": "string", "legal_basis": "string", "handling": "[@Handling]",
                        "no_penalty_list": "boolean", "fine_yuan": "integer"}},
  "ViolationInput": {"obj": {"description": "string", "legal_basis": "string", "handling": "[@Handling]",
                             "no_penalty_list": "boolean", "fine_yuan": "integer"},
                     "opt": ["legal_basis", "handling", "no_penalty_list", "fine_yuan"]},
  "ItemResultInput": {"obj": {"item_id": "string", "outcome": "@Outcome", "outcome_text": "string",
                              "findings": "[@FindingInput]", "violations": "[@ViolationInput]"},
                      "opt": ["outcome_text", "findings", "violations"]},
  "ItemResult": {"obj": {"item_id": "string", "outcome": "@Outcome", "outcome_label": "string", "outcome_text": "string",
                         "findings": "[@Finding]", "violations": "[@Violation]"}},
  "Evidence": {"obj": {"sha256": "hex64", "size": "integer", "kind": "string", "name": "string"},
               "description": "an evidence file by its SHA-256 (hashed in the browser; the file stays with the bureau)"},
  "EvidenceInput": {"obj": {"sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}, "size": "integer",
                            "kind": "string", "name": "string"},
                    "opt": ["size", "kind", "name"]},
  "ResultEntry": {"obj": {"draw_id": "string", "credit_code": "string", "inspection_date": "date",
                          "items": "[@ItemResultInput]", "evidence": "[@EvidenceInput]", "team": "[string]",
                          "confirmed_by": {"type": "array", "items": {"type": "string"}, "maxItems": 0}},
                  "opt": ["evidence", "confirmed_by"],
                  "description": "a visit's result (README: Results), recorded as its next revision (1 for the first); each inspector of the team confirms it with POST .../confirm"},
  "ResultRecorded": {"obj": {"sequence": "integer", "revision": "integer", "result_sha256": "hex64"},
                     "description": "what each inspector of the team confirms: this revision, by its hash"},
  "Confirmation": {"obj": {"revision": {"type": "integer", "minimum": 1}, "result_sha256": "hex64"}},
  "ReviewDecision": {"obj": {"approve": "boolean", "reason": "string"}, "opt": ["reason"],
                     "description": "reason: required to return a result"},
  "Correction": {"obj": {"reason": "string", "result": "@ResultEntry"}},
  "InternalNote": {"obj": {"note": "string", "complainant_name": "string", "complainant_contact": "string"},
                   "opt": ["complainant_name", "complainant_contact"]},
  "Transfer": {"obj": {"kind": {"type": "string", "enum": ["department", "police"]}, "to": "string", "date": "date",
                       "reason": "string"}},
  "Regrade": {"obj": {"grade": "string", "date": "date", "reason": "string"}},
  "ResultState": {"type": "string", "enum": ["entered", "awaiting_review", "returned", "approved", "published"]},
  "ResultContent": {"obj": {"draw_id": "string", "credit_code": "string", "revision": "integer",
                            "inspection_date": "date", "items": "[@ItemResult]", "evidence": "[@Evidence]",
                            "team": "[string]", "confirmed_by": "[string]"}},
  "ResultRevision": {"obj": {"draw_id": "string", "credit_code": "string", "revision": "integer",
                             "inspection_date": "date", "items": "[@ItemResult]", "evidence": "[@Evidence]",
                             "team": "[string]", "confirmed_by": "[string]", "sequence": "integer",
                             "entered_date": "date", "entered_by": "string", "sha256": "hex64",
                             "confirmations": "[@RevisionConfirmation]"}},
  "RevisionConfirmation": {"obj": {"inspector_id": "string", "by": "string", "date": "date", "sequence": "integer"}},
  "Result": {"obj": {"draw_id": "string", "credit_code": "string", "employer_name": "string", "state": "@ResultState",
                     "published_revision": "integer", "published_date": "date?", "revisions": "[@ResultRevision]",
                     "unconfirmed": "[string]",
                     "reviews": "[@ReviewRecord]", "corrections": "[@CorrectionRecord]",
                     "transfers": "[@TransferRecord]", "credit_reevaluations": "[@RegradeRecord]",
                     "internal_notes": "integer"},
             "description": "a visit's result with its workflow; unconfirmed: inspectors of the latest revision's team yet to confirm it"},
  "ReviewRecord": {"obj": {"revision": "integer", "approved": "boolean", "reason": "string", "by": "string", "date": "date"}},
  "CorrectionRecord": {"obj": {"correction": "integer", "reason": "string", "date": "date", "result": "@ResultContent"}},
  "TransferRecord": {"obj": {"kind": {"type": "string", "enum": ["department", "police"]}, "to": "string",
                             "date": "date", "reason": "string"}},
  "RegradeRecord": {"obj": {"grade": "string", "grade_date": "date", "reason": "string"}},
  "ResultRow": {"obj": {"draw_id": "string", "credit_code": "string", "employer_name": "string", "state": "@ResultState",
                        "revision": "integer",
                        "corrections": "integer"}},
  "ResultList": {"obj": {"results": "[@ResultRow]"}},
  "Deadline": {"obj": {"kind": {"type": "string", "enum": ["confirm", "enter", "publish"]},
                       "status": {"type": "string", "enum": ["met", "late", "open", "overdue", "no_calendar"]},
                       "org_id": "string", "task_id": "string", "draw_id": "string", "credit_code": "string",
                       "from": "date?", "due": "date?", "done": "date?", "working_days_late": "integer", "note": "string"}},
  "Overdue": {"obj": {"today": "date", "overdue": "[@Deadline]"}},
  "MyVisits": {"obj": {"inspector_id": "string", "today": "date", "visits": "[@MyVisit]"}},
  "MyVisit": {"obj": {"draw_id": "string", "task_id": "string", "task_title": "string", "org_id": "string",
                      "credit_code": "string", "employer_name": "string", "region": "string",
                      "role": {"type": "string", "enum": ["team", "expert"]}, "team": "[string]", "experts": "[string]",
                      "window_start": "date", "window_end": "date", "announced": "boolean", "items": "[@VisitItem]",
                      "result": "?@VisitResultState", "deadlines": "[@VisitDeadline]"},
              "description": "a visit of a drawn draw whose team (role team) or experts (role expert) include you; result: null before one is recorded"},
  "VisitItem": {"obj": {"item_id": "string", "name": "string", "legal_basis": "string", "content": "string",
                        "checklist": "[string]"}},
  "VisitResultState": {"obj": {"state": "@ResultState", "revision": "integer", "result_sha256": "hex64",
                               "unconfirmed": "[string]"},
                       "description": "the latest revision, its hash (what a confirmation names), and who has yet to confirm it"},
  "VisitDeadline": {"obj": {"kind": {"type": "string", "enum": ["confirm", "enter", "publish"]},
                            "status": {"type": "string", "enum": ["met", "late", "open", "overdue", "no_calendar"]},
                            "from": "date?", "due": "date?", "done": "date?"}},
  "DrawStats": {"obj": {"draw_id": "string", "task_id": "string", "org_id": "string", "title": "string",
                        "coverage": "object", "outcomes": "object", "deadlines": "object", "notes": "[string]",
                        "violation_share": {"type": "object", "nullable": true,
                                            "description": "the estimate with its interval; null when none can be made"},
                        "violation_share_error": "string"},
                "opt": ["violation_share_error"]},
  "Stats": {"obj": {"today": "date", "entries": "integer", "draws": "[@DrawStats]",
                    "overall": {"obj": {"coverage": "object", "outcomes": "object",
                                        "deadlines_by_org": {"type": "object", "additionalProperties": {"type": "object"}}},
                                "opt": ["coverage", "outcomes"]},
                    "notes": "[string]"},
            "description": "statistics (R16); coverage and outcomes over the whole node only for users whose jurisdiction covers it"},
  "VerifyReport": {"obj": {"ok": "boolean", "ledger": "string", "draw_audit": "object", "inspection_audit": "object",
                           "authority_audit": "object", "entries": "integer", "checkpoints": "integer",
                           "latest_checkpoint_size": "integer", "uncovered_entries": "integer", "root": "hex64",
                           "threads": "integer", "seconds": "number",
                           "event_counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                           "warnings": "[string]", "keys": "[@VerifiedKey]",
                           "problem": {"obj": {"what": "string", "sequence": "?integer", "checkpoint_size": "?integer"}}},
                   "opt": ["draw_audit", "inspection_audit", "authority_audit", "problem"],
                   "description": "suiji-verify's report (verifier/report.h)"},
  "VerifyJob": {"obj": {"job_id": "string", "state": {"type": "string", "enum": ["running", "done"]},
                         "phase": {"type": "string", "enum": ["integrity", "draws", "inspections", "authority", "done"]},
                         "progress": {"type": "number", "minimum": 0, "maximum": 1}, "entries": "integer",
                         "bytes": "integer", "started_by": "string", "started_us": "integer", "report": "@VerifyReport"},
                 "opt": ["report"],
                 "description": "a verification job over the log as it was when it started; report once done"},
  "UserListing": {"obj": {"users": "[@ListedUser]"}},
  "ListedUser": {"obj": {"user_id": "string", "name": "string", "org_id": "string", "region": "string", "roles": "[@Role]",
                         "inspector_id": "string", "disabled": "boolean", "version": "integer",
                         "signs_requests": "boolean", "note": "string", "tokens": "[@TokenListed]"},
                 "description": "a user of your jurisdiction (disabled ones too) with its tokens"},
  "TokenListed": {"obj": {"token_id": "string", "label": "string", "expires_us": "integer", "revoked": "boolean",
                          "sequence": "integer"},
                  "description": "a token (never the token or its hash); expires_us 0: no expiry"},
  "VerifiedKey": {"obj": {"key_id": "string", "roles": {"type": "string", "description": "the key's roles, as the verifier names them"}, "label": "string", "registered_at": "integer",
                          "revoked_at": "?integer"}},

  "PublicNotices": {"obj": {"draws": "[object]", "format": {"type": "string", "enum": ["suiji-public/1"]},
                            "item_lists": "[object]", "ledger_id": "string", "log_size": "integer",
                            "plans": "[object]", "results": "[object]", "tasks": "[object]"},
                    "description": "every public notice (ledger/core/inspection/public_record.h)"},
  "CreditPublicity": {"obj": {"columns": "[string]", "format": {"type": "string", "enum": ["suiji-credit-publicity/1"]},
                              "rows": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "string"}}}},
                      "description": "published results in the credit-publicity layout: each row maps a column to its cell"},
  "PublicResultPage": {"obj": {"log_size": "integer", "results": "[object]", "next_cursor": "?string"}},
  "PublicEmployerPage": {"obj": {"log_size": "integer", "employers": "[object]", "next_cursor": "?string"}},
  "PublicItemLists": {"obj": {"log_size": "integer", "item_lists": "[object]"}},
  "PublicPlanPage": {"obj": {"log_size": "integer", "plans": "[object]", "next_cursor": "?string"}},
  "PublicPlan": {"obj": {"plan_id": "string", "versions": "[object]"}},
  "PublicTaskPage": {"obj": {"log_size": "integer", "tasks": "[object]", "next_cursor": "?string"}},
  "PublicTask": {"obj": {"task": "object", "draws": "[object]"}},
  "PublicDraw": {"type": "object", "description": "one draw's notice with its proof data and the targets it may name"},
  "ProofBundle": {"type": "object", "description": "a draw's proof bundle for suiji-verify --bundle (api/public_bundle.h)"},

  "Health": {"obj": {"status": {"type": "string", "enum": ["ok", "failed", "unavailable", "key_not_in_force"]},
                     "log": {"type": "string", "enum": ["reachable", "unreachable"]}, "ledger_id": "string",
                     "log_size": "integer", "message": "string", "role": "string", "applied": "integer",
                     "topic_size": "integer", "lag_entries": "integer", "polled_at_ms": "integer"},
             "opt": ["status", "ledger_id", "log_size", "message", "role", "applied", "topic_size", "lag_entries",
                     "polled_at_ms"],
             "open": true}
})json";

// --- operations ---------------------------------------------------------------------------
// "METHOD path": {"query": {name: X or {"schema": X, "required": true, "description": ...}},
//                 "body": X (required JSON body) | "body?": X (optional) | "raw": true (a file),
//                 "ok": {status: X or "text/..."}, "errors": {status: [codes]}}

constexpr const char* kOperations = R"json({
  "GET /api/v1/me": {"ok": {"200": "@User"}},
  "POST /api/v1/users": {"body": "@UserRegistration", "ok": {"201": "@Written"},
                         "errors": {"403": ["outside_jurisdiction"], "422": ["invalid"], "409": ["conflict"]}},
  "POST /api/v1/users/{user_id}/disable": {"body": "@Reason", "ok": {"201": "@Written"},
                                          "errors": {"404": ["not_found"], "422": ["invalid"]}},
  "POST /api/v1/users/{user_id}/tokens": {"body": "@TokenRequest", "ok": {"201": "@IssuedToken"},
                                         "errors": {"403": ["separation_of_duties"], "422": ["invalid"]}},
  "DELETE /api/v1/tokens/{token_id}": {"query": {"reason": "string"}, "ok": {"201": "@Written"},
                                      "errors": {"404": ["not_found"]}},

  "POST /api/v1/session": {"body": "@SignIn", "ok": {"200": "@Session"},
                           "errors": {"400": ["bad_json"], "401": ["sign_in_failed"], "422": ["invalid"],
                                      "429": ["too_many_failures"]}},
  "GET /api/v1/session": {"ok": {"200": "@Session"}},
  "DELETE /api/v1/session": {"ok": {"200": "@SignedOut"}},
  "POST /api/v1/users/{user_id}/password": {"body": "@PasswordChange", "ok": {"201": "@PasswordSet"},
                                           "errors": {"403": ["wrong_password", "forbidden"], "404": ["not_found"],
                                                      "422": ["invalid"], "429": ["too_many_failures"]}},

  "POST /api/v1/orgs": {"body": "@OrgRegistration", "ok": {"201": "@Written"},
                        "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "GET /api/v1/orgs": {"ok": {"200": "@OrgList"}},
  "GET /api/v1/orgs/{org_id}": {"ok": {"200": "@Org"}, "errors": {"404": ["not_found"]}},
  "GET /api/v1/targets": {"query": {"region": {"schema": "string", "description": "a region code, everything under it (default: your jurisdiction's)"},
                                    "industry": {"schema": "string", "description": "an industry code (the search: a prefix of it)"},
                                    "grade": {"schema": {"type": "string", "enum": ["", "A", "B", "C", "-"]},
                                              "description": "诚信等级; -: not graded (the search only)"},
                                    "limit": {"schema": {"type": "integer", "minimum": 0, "maximum": 1000},
                                              "description": "the list: default 100, 0 or over 1000: 1000; the search: 1 to 200, default 20"},
                                    "cursor": {"schema": "string", "description": "a page of the staff search: empty for the first page, then the previous page's next_cursor"},
                                    "name": {"schema": "string", "description": "the search: any part of the name"},
                                    "credit_code": {"schema": "string", "description": "the search: a prefix of the credit code (any case)"},
                                    "status": {"schema": "@TargetStatus", "description": "the search: only this status"}},
                          "ok": {"200": {"oneOf": ["@TargetList", "@TargetPage"],
                                         "description": "without cursor the list, with cursor a page of the staff search"}},
                          "errors": {"400": ["bad_query"], "404": ["not_found"]}},
  "GET /api/v1/targets/{credit_code}": {"ok": {"200": "@Target"}, "errors": {"404": ["not_found"]}},
  "PUT /api/v1/targets/{credit_code}": {"body": "@TargetUpsert", "ok": {"200": "@Upserted"},
                                       "errors": {"403": ["outside_jurisdiction"], "422": ["invalid"]}},
  "POST /api/v1/targets/{credit_code}/retire": {"body": "@TargetRetirement", "ok": {"201": "@Written"},
                                               "errors": {"404": ["not_found"], "409": ["conflict"], "422": ["invalid"]}},
  "GET /api/v1/inspectors": {"query": {"org": {"schema": "string", "description": "an org unit (the list's default: yours; the search: any when absent)"},
                                       "domain": "string", "status": "@InspectorStatus",
                                       "limit": {"schema": {"type": "integer", "minimum": 0, "maximum": 1000},
                                                 "description": "the list: default 100, 0 or over 1000: 1000; the search: 1 to 200, default 20"},
                                       "cursor": {"schema": "string", "description": "a page of the staff search: empty for the first page, then the previous page's next_cursor"},
                                       "name": {"schema": "string", "description": "the search: any part of the name"},
                                       "inspector_id": {"schema": "string", "description": "the search: a prefix of the certificate number"},
                                       "region": {"schema": "string", "description": "the search: a region code, everything under it (default: your jurisdiction's)"}},
                             "ok": {"200": {"oneOf": ["@InspectorList", "@InspectorPage"],
                                            "description": "without cursor the list, with cursor a page of the staff search"}},
                             "errors": {"400": ["bad_query"], "404": ["not_found"]}},
  "GET /api/v1/inspectors/{inspector_id}": {"ok": {"200": "@InspectorDetail"}, "errors": {"404": ["not_found"]}},
  "PUT /api/v1/inspectors/{inspector_id}": {"body": "@InspectorUpsert", "ok": {"200": "@Upserted"},
                                           "errors": {"403": ["outside_jurisdiction"], "422": ["invalid"]}},
  "POST /api/v1/inspectors/{inspector_id}/retire": {"body": "@Reason", "ok": {"201": "@Written"},
                                                   "errors": {"404": ["not_found"], "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/conflicts": {"body": "@ConflictDeclaration", "ok": {"201": "@Written"},
                             "errors": {"404": ["not_found"], "409": ["conflict"], "422": ["invalid"]}},
  "DELETE /api/v1/conflicts/{inspector_id}/{credit_code}": {"query": {"reason": "string"}, "ok": {"201": "@Written"},
                                                           "errors": {"404": ["not_found"], "409": ["conflict"]}},
  "GET /api/v1/items/{org_id}": {"query": {"date": {"schema": "date", "description": "the list in force that day (default: today)"},
                                           "version": {"schema": "integer", "description": "a version instead of a date"}},
                                 "ok": {"200": "@ItemList"}, "errors": {"400": ["bad_query"], "404": ["not_found"]}},
  "GET /api/v1/history/{kind}/{id}": {"path": {"kind": {"type": "string", "enum": ["target", "inspector", "org", "items"]}},
                                      "ok": {"200": "@History"}, "errors": {"404": ["not_found"]}},
  "POST /api/v1/calendar": {"body?": "@CalendarTable", "ok": {"200": "@CalendarPublished", "201": "@CalendarPublished"},
                            "errors": {"403": ["outside_jurisdiction"], "422": ["invalid"]}},
  "GET /api/v1/calendar/{year}": {"path": {"year": {"type": "string", "pattern": "^[0-9]{4}$"}},
                                  "ok": {"200": "@CalendarYear"}, "errors": {"400": ["bad_path"], "404": ["not_found"]}},
  "GET /api/v1/working-days": {"query": {"date": {"schema": "date", "required": true},
                                         "days": {"schema": {"type": "integer", "minimum": 1, "maximum": 3660}, "required": true}},
                               "ok": {"200": "@WorkingDays"},
                               "errors": {"400": ["bad_query"], "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/imports/{kind}": {"raw": true,
                                  "path": {"kind": {"type": "string", "enum": ["targets", "inspectors", "items"]}},
                                  "query": {"org": {"schema": "string", "description": "the org unit the rows belong to (default: yours)"},
                                            "encoding": {"type": "string", "enum": ["auto", "utf-8", "utf8", "gb18030", "gbk"]},
                                            "sheet": {"schema": "string", "description": "the XLSX sheet (default: the first)"},
                                            "skip_bad_rows": "@QueryFlag", "dry_run": "@QueryFlag", "sync": "@QueryFlag",
                                            "effective": {"schema": "date", "description": "items: the date the new list version takes effect (required)"}},
                                  "ok": {"200": "@ImportReport", "201": "@ImportReport"},
                                  "errors": {"400": ["empty_body", "bad_query"], "403": ["outside_jurisdiction"],
                                             "404": ["not_found"], "422": ["invalid", "bad_rows"]}},

  "GET /api/v1/import-templates/{kind}": {"path": {"kind": {"type": "string", "enum": ["targets", "inspectors", "items"]}},
                                         "ok": {"200": "text/csv"}, "errors": {"404": ["not_found"]}},

  "POST /api/v1/plans": {"body": "@PlanFiling", "ok": {"201": "@Written"},
                         "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "GET /api/v1/plans": {"ok": {"200": "@PlanList"}},
  "GET /api/v1/plans/{plan_id}": {"ok": {"200": "@Plan"}, "errors": {"404": ["not_found"]}},
  "GET /api/v1/plans/{plan_id}/versions": {"ok": {"200": "@PlanVersions"}, "errors": {"404": ["not_found"]}},
  "POST /api/v1/tasks/estimate": {"body": "@TaskDefinition", "ok": {"200": "@TaskEstimate"},
                                  "errors": {"400": ["bad_json", "too_deep"], "403": ["outside_jurisdiction"],
                                             "422": ["invalid"]}},
  "POST /api/v1/tasks": {"body": "@TaskDefinition", "ok": {"201": "@Written"},
                         "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "GET /api/v1/tasks": {"query": {"plan": "string"}, "ok": {"200": "@TaskList"}},
  "GET /api/v1/tasks/{task_id}": {"ok": {"200": "@TaskInfo"}, "errors": {"404": ["not_found"]}},
  "POST /api/v1/tasks/{task_id}/withdraw": {"body": "@Reason", "ok": {"201": "@Written"},
                                           "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/tasks/{task_id}/freeze": {"ok": {"201": "@Frozen"},
                                         "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/draws/{draw_id}/commit": {"body": "@EntropyPlan", "ok": {"201": "@Written"},
                                         "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/draws/{draw_id}/reveal": {"body": "@RevealInputs", "ok": {"201": "@Written"},
                                         "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/draws/{draw_id}/cancel": {"body": "@Reason", "ok": {"201": "@Written"},
                                         "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/draws/{draw_id}/decline": {"body": "@DeclineRequest", "ok": {"201": "@Declined"},
                                          "errors": {"403": ["outside_jurisdiction"], "404": ["not_found"],
                                                     "409": ["conflict"], "422": ["invalid"]}},
  "GET /api/v1/draws/{draw_id}": {"ok": {"200": "@Draw"}, "errors": {"404": ["not_found"]}},
  "GET /api/v1/draws/{draw_id}/frozen": {"ok": {"200": "text/plain"}, "errors": {"404": ["not_found"]}},
  "POST /api/v1/draws/{draw_id}/announce": {"body": "@Announcement", "ok": {"201": "@Written"},
                                           "errors": {"403": ["outside_jurisdiction"], "409": ["conflict"], "422": ["invalid"]}},

  "POST /api/v1/results": {"body": "@ResultEntry", "ok": {"201": "@ResultRecorded"},
                           "errors": {"403": ["not_on_team"], "409": ["conflict"], "422": ["invalid"]}},
  "GET /api/v1/results": {"query": {"draw": "string", "state": "@ResultState"}, "ok": {"200": "@ResultList"}},
  "POST /api/v1/results/{draw_id}/{credit_code}/confirm": {"body": "@Confirmation", "ok": {"201": "@Written"},
                                                          "errors": {"403": ["not_on_team", "forbidden"],
                                                                     "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/results/{draw_id}/{credit_code}/submit": {"ok": {"201": "@Written"},
                                                         "errors": {"403": ["not_on_team"], "404": ["not_found"],
                                                                    "409": ["conflict"]}},
  "POST /api/v1/results/{draw_id}/{credit_code}/review": {"body": "@ReviewDecision", "ok": {"201": "@Written"},
                                                         "errors": {"403": ["outside_jurisdiction", "forbidden"],
                                                                    "404": ["not_found"], "409": ["conflict"],
                                                                    "422": ["invalid"]}},
  "POST /api/v1/results/{draw_id}/{credit_code}/publish": {"ok": {"201": "@Written"},
                                                          "errors": {"403": ["outside_jurisdiction"], "404": ["not_found"],
                                                                     "409": ["conflict"]}},
  "POST /api/v1/results/{draw_id}/{credit_code}/correct": {"body": "@Correction", "ok": {"201": "@Written"},
                                                          "errors": {"403": ["outside_jurisdiction"], "404": ["not_found"],
                                                                     "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/results/{draw_id}/{credit_code}/notes": {"body": "@InternalNote", "ok": {"201": "@Written"},
                                                        "errors": {"403": ["not_on_team"], "404": ["not_found"],
                                                                   "422": ["invalid"]}},
  "POST /api/v1/results/{draw_id}/{credit_code}/transfer": {"body": "@Transfer", "ok": {"201": "@Written"},
                                                           "errors": {"403": ["outside_jurisdiction"], "404": ["not_found"],
                                                                      "409": ["conflict"], "422": ["invalid"]}},
  "POST /api/v1/results/{draw_id}/{credit_code}/regrade": {"body": "@Regrade", "ok": {"201": "@Written"},
                                                          "errors": {"403": ["outside_jurisdiction"], "404": ["not_found"],
                                                                     "409": ["conflict"], "422": ["invalid"]}},
  "GET /api/v1/results/{draw_id}/{credit_code}": {"ok": {"200": "@Result"}, "errors": {"404": ["not_found"]}},
  "GET /api/v1/results/{draw_id}/{credit_code}/sheet": {"ok": {"200": "text/html"}, "errors": {"404": ["not_found"]}},
  "GET /api/v1/overdue": {"ok": {"200": "@Overdue"}},
  "GET /api/v1/visits": {"query": {"mine": {"schema": "@QueryFlag", "required": true, "description": "required: your own visits"}},
                         "ok": {"200": "@MyVisits"}, "errors": {"400": ["bad_query"], "403": ["no_inspector_id"]}},
  "GET /api/v1/users": {"ok": {"200": "@UserListing"}},
  "POST /api/v1/verify/jobs": {"ok": {"202": "@VerifyJob"},
                               "errors": {"403": ["outside_jurisdiction"], "409": ["verification_running"]}},
  "GET /api/v1/verify/jobs/{job_id}": {"ok": {"200": "@VerifyJob"},
                                       "errors": {"403": ["outside_jurisdiction"], "404": ["not_found"]}},
  "GET /api/v1/stats": {"query": {"today": {"schema": "date", "description": "the day deadlines are counted to (default: today in China)"},
                                  "draw": {"schema": "string", "description": "one draw only"}},
                        "ok": {"200": "@Stats"}, "errors": {"400": ["bad_query"], "404": ["not_found"]}},
  "GET /api/v1/verify": {"ok": {"200": "@VerifyReport"}, "errors": {"403": ["outside_jurisdiction"]}},
  "GET /api/v1/events": {"query": {"from": {"schema": "integer", "description": "the first sequence (or the Last-Event-ID header)"}},
                         "ok": {"200": "text/event-stream"},
                         "errors": {"400": ["bad_from", "bad_last_event_id"], "403": ["outside_jurisdiction"],
                                    "429": ["too_many_streams"], "503": ["too_many_streams"]}},

  "GET /public/v1/notices": {"ok": {"200": "@PublicNotices"}, "streamed": true},
  "GET /public/v1/results": {"query": {"code": {"schema": "string", "description": "exact credit code"},
                                       "name": {"schema": "string", "description": "any part of the employer's published name"},
                                       "region": {"schema": "string", "description": "a county, city or province code"},
                                       "task": "string",
                                       "from": {"schema": "date", "description": "publication date, inclusive"},
                                       "to": {"schema": "date", "description": "publication date, inclusive"},
                                       "limit": {"schema": {"type": "integer", "minimum": 1, "maximum": 500}, "description": "default 50"},
                                       "cursor": {"schema": "string", "description": "the previous page's next_cursor"}},
                             "ok": {"200": {"oneOf": ["@PublicResultPage", "@CreditPublicity"],
                                            "description": "with any query parameter one page; without, every published result (credit publicity layout)"}},
                             "errors": {"400": ["bad_limit", "bad_query"]}, "streamed": true},
  "GET /public/v1/results.csv": {"ok": {"200": "text/csv"}, "streamed": true},
  "GET /public/v1/item-lists": {"ok": {"200": "@PublicItemLists"}},
  "GET /public/v1/plans": {"query": {"limit": {"schema": {"type": "integer", "minimum": 1, "maximum": 500}, "description": "default 50"},
                                     "cursor": "string"},
                           "ok": {"200": "@PublicPlanPage"}, "errors": {"400": ["bad_limit", "bad_query"]}},
  "GET /public/v1/plans/{plan_id}": {"ok": {"200": "@PublicPlan"}, "errors": {"404": ["not_found"]}},
  "GET /public/v1/tasks": {"query": {"plan": "string",
                                     "limit": {"schema": {"type": "integer", "minimum": 1, "maximum": 500}, "description": "default 50"},
                                     "cursor": "string"},
                           "ok": {"200": "@PublicTaskPage"}, "errors": {"400": ["bad_limit", "bad_query"]}},
  "GET /public/v1/tasks/{task_id}": {"ok": {"200": "@PublicTask"}, "errors": {"404": ["not_found"]}},
  "GET /public/v1/draws/{draw_id}": {"ok": {"200": "@PublicDraw"}, "errors": {"404": ["not_found"]}},
  "GET /public/v1/bundles/{draw_id}": {"ok": {"200": "@ProofBundle"},
                                       "errors": {"404": ["not_found"], "503": ["no_checkpoint_yet", "unavailable"]}},
  "GET /public/v1/employers": {"query": {"q": {"schema": "string", "required": true,
                                              "description": "a credit code or any part of an employer's name"},
                                        "limit": {"schema": {"type": "integer", "minimum": 1, "maximum": 500}, "description": "default 20"},
                                        "cursor": {"schema": "string", "description": "the previous page's next_cursor"}},
                              "ok": {"200": "@PublicEmployerPage"}, "errors": {"400": ["bad_query", "bad_limit"]}},
  "GET /public/v1/verifier-key": {"ok": {"200": "text/plain"}, "errors": {"503": ["no_checkpoint_yet"]}},
  "GET /public/v1/checkpoint": {"ok": {"200": "text/plain"}, "errors": {"503": ["no_checkpoint_yet"]}},
  "GET /public": {"ok": {"200": "text/html"}},
  "GET /public/search": {"query": {"q": "string", "cursor": "string"}, "ok": {"200": "text/html", "400": "text/html"}},
  "GET /public/results": {"query": {"region": "string", "task": "string", "from": "date", "to": "date", "code": "string",
                                    "cursor": "string"},
                          "ok": {"200": "text/html", "400": "text/html"}},
  "GET /public/draws/{draw_id}": {"ok": {"200": "text/html", "404": "text/html"}},
  "GET /public/tasks/{task_id}": {"ok": {"200": "text/html", "404": "text/html"}},
  "GET /public/plans/{plan_id}": {"ok": {"200": "text/html", "404": "text/html"}},
  "GET /public/key": {"ok": {"200": "text/html"}, "errors": {"503": ["no_checkpoint_yet"]}}
})json";

// --- the notation -------------------------------------------------------------------------

json Ref(std::string_view name) { return {{"$ref", "#/components/schemas/" + std::string(name)}}; }

json Expand(const json& x);

json ExpandName(const std::string& s) {
  if (s.empty()) throw std::invalid_argument("openapi_schemas: an empty schema name");
  if (s[0] == '?') {
    json inner = Expand(json(s.substr(1)));
    // OpenAPI 3.0 ignores siblings of $ref: a nullable reference is an allOf of one.
    if (inner.contains("$ref")) return {{"allOf", json::array({inner})}, {"nullable", true}};
    inner["nullable"] = true;
    return inner;
  }
  if (s[0] == '@') return Ref(s.substr(1));
  if (s.front() == '[' && s.back() == ']') return {{"type", "array"}, {"items", Expand(json(s.substr(1, s.size() - 2)))}};
  if (s == "string" || s == "integer" || s == "number" || s == "boolean") return {{"type", s}};
  if (s == "object") return {{"type", "object"}};
  if (s == "date") return {{"type", "string"}, {"format", "date"}, {"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}};
  if (s == "date?") {
    return {{"type", "string"}, {"pattern", "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}, {"description", "YYYY-MM-DD, or empty"}};
  }
  if (s == "hex64") return {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}};
  throw std::invalid_argument("openapi_schemas: unknown schema name " + s);
}

json Expand(const json& x) {
  if (x.is_string()) return ExpandName(x.get<std::string>());
  if (!x.is_object()) throw std::invalid_argument("openapi_schemas: a schema is a name or an object: " + x.dump());
  if (x.contains("obj")) {
    json props = json::object();
    json required = json::array();
    const json opt = x.value("opt", json::array());
    for (const auto& [key, value] : x["obj"].items()) {
      props[key] = Expand(value);
      if (std::find(opt.begin(), opt.end(), json(key)) == opt.end()) required.push_back(key);
    }
    json out{{"type", "object"}, {"properties", props}, {"additionalProperties", x.value("open", false)}};
    if (!required.empty()) out["required"] = required;
    if (x.contains("description")) out["description"] = x["description"];
    return out;
  }
  json out = x;
  if (out.contains("properties")) {
    for (auto& [key, value] : out["properties"].items()) value = Expand(value);
  }
  if (out.contains("items")) out["items"] = Expand(out["items"]);
  if (out.contains("additionalProperties") && !out["additionalProperties"].is_boolean()) {
    out["additionalProperties"] = Expand(out["additionalProperties"]);
  }
  for (const char* k : {"oneOf", "allOf", "anyOf"}) {
    if (!out.contains(k)) continue;
    for (auto& s : out[k]) s = Expand(s);
  }
  return out;
}

const json& Components() {
  static const json components = [] {
    json out = json::object();
    const json written = json::parse(kComponents);
    for (const auto& [name, s] : written.items()) out[name] = Expand(s);
    out["QueryFlag"] = {{"type", "string"}, {"enum", {"", "1", "true", "0", "false"}},
                        {"description", "a flag: present, empty, 1 or true; 0 or false (or absent) is off"}};
    return out;
  }();
  return components;
}

const json& Operations() {
  static const json ops = json::parse(kOperations);
  return ops;
}

json Media(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

// A success reply: JSON of `x`'s schema, or "text/..." (a string of that media type).
json SuccessReply(const json& x) {
  if (x.is_string() && x.get<std::string>().starts_with("text/")) {
    return {{"description", x.get<std::string>()}, {"content", {{x.get<std::string>(), {{"schema", {{"type", "string"}}}}}}}};
  }
  json schema = Expand(x);
  return {{"description", schema.value("description", "ok")}, {"content", Media(schema)}};
}

// The error codes any route of its kind can answer, by status (api/http/server.cc, front.cc).
std::map<std::string, std::vector<std::string>> CommonErrors(const Route& r) {
  std::map<std::string, std::vector<std::string>> e;
  e["500"] = {"internal"};
  e["400"] = {"bad_path", "bad_utf8"};
  e["413"] = {"too_large"};
  if (!r.is_public) {
    e["401"] = {"unauthenticated"};
    e["429"] = {"too_many_failures"};
    e["403"] = {"forbidden"};  // the route's roles (details.allowed_roles)
    e["503"] = {"unavailable"};
    if (r.method != "GET") e["403"].push_back("csrf");
  }
  if (r.method != "GET" && r.method != "DELETE") {
    e["411"] = {"length_required"};
    e["415"] = {"unsupported_encoding"};
  }
  if (r.write) {
    for (const char* c : {"bad_json", "too_deep", "bad_number", "bad_idempotency_key", "bad_expected_sequence"}) {
      e["400"].push_back(c);
    }
    e["409"] = {"stale_sequence", "conflict"};
    e["422"] = {"idempotency_key_reused", "invalid"};
    e["404"] = {"not_found"};
    e["421"] = {"read_replica"};
    e["503"] = {"unavailable"};
    e["507"] = {"disk_full"};
  }
  return e;
}

json ErrorReply(const std::vector<std::string>& codes) {
  std::string described = "codes: ";
  for (size_t i = 0; i < codes.size(); ++i) described += (i ? ", " : "") + codes[i];
  json code = {{"type", "string"}, {"enum", codes}};
  json narrowed = {{"type", "object"}, {"properties", {{"code", code}}}};
  json schema = {{"allOf", json::array({Ref("Error"), narrowed})}};
  return {{"description", described}, {"content", Media(schema)}};
}

json QueryParameter(const std::string& name, const json& x) {
  json p{{"name", name}, {"in", "query"}, {"required", false}};
  if (x.is_object() && x.contains("schema")) {
    p["schema"] = Expand(x["schema"]);
    if (x.contains("required")) p["required"] = x["required"];
    if (x.contains("description")) p["description"] = x["description"];
  } else {
    p["schema"] = Expand(x);
  }
  return p;
}

}  // namespace

json OpenApiComponentSchemas() { return Components(); }

json OpenApiDocument() { return OpenApi(ApiRoutes()); }

void DescribeOperation(const Route& r, json* op) {
  const auto found = Operations().find(r.method + " " + r.path);
  json responses = json::object();
  if (found == Operations().end()) {
    (*op)["x-suiji-undescribed"] = true;
    responses["default"] = {{"description", "JSON; errors as {code, message, details}"}, {"content", Media(Ref("Error"))}};
    (*op)["responses"] = responses;
    return;
  }
  const json& d = *found;
  // Path parameters with a narrower schema than a string (a year, an import's kind).
  if (d.contains("path") && op->contains("parameters")) {
    for (auto& p : (*op)["parameters"]) {
      if (d["path"].contains(p["name"].get<std::string>())) p["schema"] = Expand(d["path"][p["name"].get<std::string>()]);
    }
  }
  if (d.contains("query")) {
    json& params = (*op)["parameters"];
    if (!params.is_array()) params = json::array();
    for (const auto& [name, x] : d["query"].items()) params.push_back(QueryParameter(name, x));
  }
  if (d.contains("body") || d.contains("body?")) {
    const bool required = d.contains("body");
    (*op)["requestBody"] = {{"required", required}, {"content", Media(Expand(required ? d["body"] : d["body?"]))}};
  } else if (d.value("raw", false)) {
    const json file = {{"schema", {{"type", "string"}, {"format", "binary"}}}};
    (*op)["requestBody"] = {{"required", true},
                            {"description", "the file: CSV (UTF-8 or GB18030) or XLSX"},
                            {"content", {{"text/csv", file},
                                         {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file},
                                         {"application/octet-stream", file}}}};
  }
  for (const auto& [status, x] : d["ok"].items()) responses[status] = SuccessReply(x);
  if (r.write) {
    // A retry whose key the log holds from before a restart answers what was written.
    if (responses.contains("200")) {
      json& content = responses["200"]["content"]["application/json"]["schema"];
      content = {{"oneOf", json::array({content, Ref("IdempotentReplay")})}};
    } else {
      responses["200"] = {{"description", "an idempotent replay"}, {"content", Media(Ref("IdempotentReplay"))}};
    }
  }
  if (r.is_public && r.method == "GET") responses["304"] = {{"description", "not modified (If-None-Match names the ETag)"}};
  if (d.value("streamed", false)) {
    responses["206"] = {{"description", "the one byte range asked for (Range)"}};
    responses["416"] = ErrorReply({"range_not_satisfiable", "one_range_only"});
  }
  std::map<std::string, std::vector<std::string>> errors = CommonErrors(r);
  if (d.contains("errors")) {
    for (const auto& [status, codes] : d["errors"].items()) {
      for (const auto& c : codes) {
        auto& list = errors[status];
        if (std::find(list.begin(), list.end(), c.get<std::string>()) == list.end()) list.push_back(c.get<std::string>());
      }
    }
  }
  json codes_by_status = json::object();
  for (const auto& [status, codes] : errors) {
    if (!responses.contains(status)) responses[status] = ErrorReply(codes);
    codes_by_status[status] = codes;
  }
  (*op)["responses"] = responses;
  (*op)["x-suiji-error-codes"] = codes_by_status;
}

json OperationsRouteOperation(std::string_view path) {
  json op{{"summary", "operations"}, {"security", json::array()}};
  if (path == "/healthz") {
    op["responses"] = {{"200", SuccessReply("@Health")}, {"503", SuccessReply("@Health")}};
  } else if (path == "/metrics") {
    op["responses"] = {{"200", SuccessReply("text/plain")}};
  } else {
    op["responses"] = {{"200", SuccessReply(json{{"type", "object"}, {"description", "this document (OpenAPI 3.0.3)"}})}};
  }
  return op;
}

}  // namespace suiji::http
