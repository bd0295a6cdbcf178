# The browser verifier (verifier/web/, built by ops/build-verifier-web.sh into
# build/verifier/web): its checks against the protocol's vectors, its agreement with
# `suiji-verify --bundle` on a generated year of draws and on the demo's draw (each bundle and
# every tampered variant of tests/verifier/bundle_check_test.cc), and the standalone page in
# Debian's Chromium. Skipped (77) without Node.js or the built verifier, unless CI=true.
set(SUIJI_WEB_VERIFIER ${PROJECT_BINARY_DIR}/verifier/web)
set(SUIJI_WEB_YEAR ${PROJECT_BINARY_DIR}/test-artifacts/verifier-web/year)
set(SUIJI_WEB_SRC ${PROJECT_SOURCE_DIR}/verifier/web/tests)
set(SUIJI_WEB_GUARD "command -v node >/dev/null && [ -f ${SUIJI_WEB_VERIFIER}/suiji-verify.js ] || { echo 'verifier_web: SKIPPED: no node or no build/verifier/web (ops/build-verifier-web.sh)'; [ \"$CI\" != true ] && exit 77; exit 1; }")
add_test(NAME verifier_web.vectors COMMAND sh -c
  "${SUIJI_WEB_GUARD}; node ${SUIJI_WEB_SRC}/vectors.test.mjs ${SUIJI_WEB_VERIFIER}")
add_test(NAME verifier_web.year_bundles COMMAND sh -c
  "${SUIJI_WEB_GUARD}; rm -rf ${SUIJI_WEB_YEAR} && ${SUIJI_WEB_SRC}/gen_year.sh $<TARGET_FILE:suiji> ${SUIJI_WEB_YEAR}")
add_test(NAME verifier_web.agreement_year COMMAND sh -c
  "${SUIJI_WEB_GUARD}; node ${SUIJI_WEB_SRC}/agreement.test.mjs --verify $<TARGET_FILE:suiji-verify> --dist ${SUIJI_WEB_VERIFIER} ${SUIJI_WEB_YEAR}/*.json")
add_test(NAME verifier_web.agreement_demo COMMAND sh -c
  "${SUIJI_WEB_GUARD}; ${SUIJI_WEB_SRC}/demo_agreement.sh")
add_test(NAME verifier_web.browser COMMAND sh -c
  "${SUIJI_WEB_GUARD}; node ${SUIJI_WEB_SRC}/browser.test.mjs ${SUIJI_WEB_VERIFIER} ${SUIJI_WEB_YEAR}/T08-d1.json")
set_tests_properties(verifier_web.vectors PROPERTIES LABELS unit SKIP_RETURN_CODE 77)
set_tests_properties(verifier_web.year_bundles PROPERTIES LABELS integration SKIP_RETURN_CODE 77
  FIXTURES_SETUP verifier_web_year TIMEOUT 300)
set_tests_properties(verifier_web.agreement_year verifier_web.browser PROPERTIES LABELS integration
  SKIP_RETURN_CODE 77 FIXTURES_REQUIRED verifier_web_year TIMEOUT 600
  ENVIRONMENT "SUIJI_ARTIFACTS=${PROJECT_BINARY_DIR}/test-artifacts/verifier-web")
set_tests_properties(verifier_web.agreement_demo PROPERTIES LABELS integration SKIP_RETURN_CODE 77
  TIMEOUT 600 ENVIRONMENT "BUILD_DIR=${PROJECT_BINARY_DIR}")
