#include "tiltfile/yaml.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace slant::tiltfile {
namespace {

Json parseOk(std::string_view text) {
  auto r = parseYaml(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message()) << "\nin:\n" << text;
  return r ? *r : Json();
}

std::string parseErr(std::string_view text) {
  auto r = parseYamlStream(text);
  EXPECT_FALSE(r.has_value()) << "expected an error for:\n" << text;
  return r ? "" : r.error().message();
}

// Parse, emit, parse: the second parse must give the first parse's values.
void expectRoundTrip(std::string_view text) {
  auto first = parseYamlStream(text);
  ASSERT_TRUE(first.has_value()) << first.error().message() << "\nin:\n" << text;
  std::string emitted = emitYamlStream(*first);
  auto second = parseYamlStream(emitted);
  ASSERT_TRUE(second.has_value()) << second.error().message() << "\nemitted:\n" << emitted;
  EXPECT_EQ(*first, *second) << "emitted:\n" << emitted;
}

// ---- scalar typing ----------------------------------------------------------------------------

TEST(Yaml, PlainScalarsResolveAsGoYamlV2WithIntegralFloatsAsInts) {
  Json j = parseOk(R"(
int: 42
float: 3.14
integral_float: 1.0
exponent: 1e3
small: 1e-7
leading_dot: .5
signed: +7
negative_hex: -0x10
hex: 0x1F
octal_go: 0o17
octal_yaml11: 0755
binary: 0b101
underscores: 1_000
not_octal: 08
too_big_for_int64: 12345678901234567890
overflowing_float: 1e400
)");
  EXPECT_EQ(j["int"], 42);
  EXPECT_TRUE(j["int"].is_number_integer());
  EXPECT_DOUBLE_EQ(j["float"].get<double>(), 3.14);
  EXPECT_TRUE(j["float"].is_number_float());
  EXPECT_TRUE(j["integral_float"].is_number_integer());
  EXPECT_EQ(j["integral_float"], 1);
  EXPECT_EQ(j["exponent"], 1000);
  EXPECT_TRUE(j["small"].is_number_float());
  EXPECT_DOUBLE_EQ(j["leading_dot"].get<double>(), 0.5);
  EXPECT_EQ(j["signed"], 7);
  EXPECT_EQ(j["negative_hex"], -16);
  EXPECT_EQ(j["hex"], 31);
  EXPECT_EQ(j["octal_go"], 15);
  EXPECT_EQ(j["octal_yaml11"], 493);
  EXPECT_EQ(j["binary"], 5);
  EXPECT_EQ(j["underscores"], 1000);
  EXPECT_EQ(j["not_octal"], 8);  // not an octal int, so a float, so an int after JSON
  EXPECT_TRUE(j["too_big_for_int64"].is_number_float());
  EXPECT_EQ(j["overflowing_float"], "1e400");
}

TEST(Yaml, YamlOneOneBooleansAndNullsResolveButOtherWordsStayStrings) {
  Json j = parseOk(R"(
a: yes
b: No
c: on
d: OFF
e: y
f: N
g: true
h: False
i: ~
j: null
k:
l: nO
m: maybe
)");
  EXPECT_EQ(j["a"], true);
  EXPECT_EQ(j["b"], false);
  EXPECT_EQ(j["c"], true);
  EXPECT_EQ(j["d"], false);
  EXPECT_EQ(j["e"], true);
  EXPECT_EQ(j["f"], false);
  EXPECT_EQ(j["g"], true);
  EXPECT_EQ(j["h"], false);
  EXPECT_TRUE(j["i"].is_null());
  EXPECT_TRUE(j["j"].is_null());
  EXPECT_TRUE(j["k"].is_null());
  EXPECT_EQ(j["l"], "nO");
  EXPECT_EQ(j["m"], "maybe");
}

TEST(Yaml, QuotedBlockAndTimestampScalarsAreStrings) {
  Json j = parseOk(
      "a: '1'\nb: \"true\"\nc: 2001-12-14\nd: 2001-12-14t21:59:43.10-05:00\ne: |\n  x\n"
      "f: >\n  folded\n  text\ng: \"\"\nh: '~'\n");
  EXPECT_EQ(j["a"], "1");
  EXPECT_EQ(j["b"], "true");
  EXPECT_EQ(j["c"], "2001-12-14");
  EXPECT_EQ(j["d"], "2001-12-14t21:59:43.10-05:00");
  EXPECT_EQ(j["e"], "x\n");
  EXPECT_EQ(j["f"], "folded text\n");
  EXPECT_EQ(j["g"], "");
  EXPECT_EQ(j["h"], "~");
}

TEST(Yaml, ExplicitTagsConvertOrFail) {
  Json j =
      parseOk("a: !!str 123\nb: !!int \"12\"\nc: !!float 2\nd: !!binary aGVsbG8=\ne: !Ref x\n");
  EXPECT_EQ(j["a"], "123");
  EXPECT_EQ(j["b"], 12);
  EXPECT_EQ(j["c"], 2);  // a float 2.0, an int after the JSON round trip
  EXPECT_EQ(j["d"], "hello");
  EXPECT_EQ(j["e"], "x");
  EXPECT_EQ(parseErr("a: !!int abc\n"),
            "error parsing YAML: line 1, column 4: cannot decode !!str `abc` as a !!int");
}

TEST(Yaml, NanAndInfinityCannotBeRepresented) {
  EXPECT_EQ(parseErr("a: .inf\n"),
            "error parsing YAML: line 1, column 4: json: unsupported value: +Inf");
  EXPECT_EQ(parseErr("- .nan\n"),
            "error parsing YAML: line 1, column 3: json: unsupported value: NaN");
}

TEST(Yaml, InvalidUtf8BecomesTheReplacementCharacter) {
  Json j = parseOk("a: \"x\\xff\"\nb: x\xffy\n");
  EXPECT_EQ(j["b"], "x\xEF\xBF\xBDy");
}

// ---- maps -------------------------------------------------------------------------------------

TEST(Yaml, MapsKeepDocumentOrder) {
  Json j = parseOk("zeta: 1\nalpha: 2\nmid: 3\n");
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(Yaml, NonStringKeysBecomeStringsAsSigsYamlWritesThem) {
  Json j = parseOk("1: a\n1.5: b\ntrue: c\n1e6: d\nyes: e\n0x10: f\n");
  EXPECT_EQ(j["1"], "a");
  EXPECT_EQ(j["1.5"], "b");
  EXPECT_EQ(j["true"], "e");  // yes is true too: the later key wins
  EXPECT_EQ(j["1e+06"], "d");
  EXPECT_EQ(j["16"], "f");
  EXPECT_EQ(j.size(), 5u);
}

TEST(Yaml, NullAndCollectionKeysAreErrors) {
  EXPECT_EQ(parseErr("~: a\n"), "error parsing YAML: line 1, column 1: unsupported map key: null");
  EXPECT_NE(parseErr("? [a, b]\n: c\n").find("invalid map key"), std::string::npos);
}

TEST(Yaml, RepeatedKeysKeepTheLastValueInTheFirstPosition) {
  Json j = parseOk("a: 1\nb: 2\na: 3\n");
  EXPECT_EQ(j.dump(), R"({"a":3,"b":2})");
}

TEST(Yaml, AliasesCopyTheAnchoredValue) {
  Json j = parseOk("base: &b {x: 1, y: [1, 2]}\ncopy: *b\nscalar: &s hello\nagain: *s\n");
  EXPECT_EQ(j["copy"], j["base"]);
  EXPECT_EQ(j["again"], "hello");
}

TEST(Yaml, MergeKeysCopyEntriesAndLaterKeysOverride) {
  Json j = parseOk(R"(
defaults: &defaults
  adapter: postgres
  host: localhost
  port: 5432
development:
  database: dev
  <<: *defaults
  host: dev.local
)");
  EXPECT_EQ(j["development"].dump(),
            R"({"database":"dev","adapter":"postgres","host":"dev.local","port":5432})");
}

TEST(Yaml, MergeOfASequenceLetsEarlierMapsWin) {
  Json j = parseOk("a: &a {m: 1, o: 1}\nb: &b {o: 2, p: 2}\nc:\n  <<: [*a, *b]\n");
  EXPECT_EQ(j["c"].dump(), R"({"m":1,"o":1,"p":2})");
  EXPECT_EQ(parseErr("a:\n  <<: 3\n"),
            "error parsing YAML: line 2, column 7: map merge requires map or sequence of maps as "
            "the value");
}

TEST(Yaml, AnAnchorInsideItselfIsAnError) {
  EXPECT_EQ(parseErr("a: &a [1, *a]\n"),
            "error parsing YAML: line 1, column 11: anchor 'a' value contains itself");
}

TEST(Yaml, AliasBombsAreRefused) {
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    char prev = static_cast<char>(c - 1);
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
            ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
  }
  EXPECT_NE(parseErr(bomb).find("document contains excessive aliasing"), std::string::npos);
}

// ---- streams ----------------------------------------------------------------------------------

TEST(Yaml, StreamsSplitAtDashLinesAndSkipEmptyAndNullDocuments) {
  auto docs = parseYamlStream("name: hello\n---\n\n---\nname: goodbye\n--- # end\nnull\n---");
  ASSERT_TRUE(docs.has_value()) << docs.error().message();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0]["name"], "hello");
  EXPECT_EQ((*docs)[1]["name"], "goodbye");
  EXPECT_TRUE(parseYamlStream("")->empty());
  EXPECT_TRUE(parseYamlStream("# only a comment\n")->empty());
}

TEST(Yaml, ASeparatorFollowedByContentIsAnError) {
  EXPECT_EQ(parseErr("a: 1\n--- b: 2\n"),
            "error parsing YAML: line 2, column 1: invalid Yaml document separator: b: 2");
}

TEST(Yaml, ErrorLinesCountFromTheStartOfTheStream) {
  EXPECT_EQ(parseErr("a: 1\n---\nb: 2\n  c: 3\n"),
            "error parsing YAML: line 4, column 4: illegal map value");
}

TEST(Yaml, AnUnterminatedQuoteIsAnErrorAtTheEnd) {
  // Tilt (go-yaml): "yaml: line 6: found unexpected end of stream".
  std::string err = parseErr("key1: foo\nkey2:\n    key3: \"bar\n    key4: true\nkey5: 3\n");
  EXPECT_EQ(err, "error parsing YAML: line 6, column 1: illegal EOF in scalar");
  EXPECT_FALSE(parseYamlStream("a: 'open\n").has_value());
}

TEST(Yaml, MalformedYamlNamesLineAndColumn) {
  std::string err = parseErr("a: 1\nb:\n  - x\n  y: 2\n");
  EXPECT_TRUE(err.starts_with("error parsing YAML: line 4, column ")) << err;
}

TEST(Yaml, WindowsLineEndingsAreAccepted) {
  Json j = parseOk("a: 1\r\nb: two\r\n");
  EXPECT_EQ(j["b"], "two");
}

TEST(Yaml, ParseYamlWantsASingleDocument) {
  EXPECT_TRUE(parseOk("").is_null());
  auto r = parseYaml("a: 1\n---\nb: 2\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "expected a single YAML document, got 2");
}

// ---- emitting ---------------------------------------------------------------------------------

TEST(Yaml, EmitsBlockStyleWithUnindentedSequencesInMaps) {
  Json j = Json::parse(R"({"key1":"foo","key2":{"key3":"bar","key4":true},"key5":3,
                           "key6":["foo",7],"key7":[],"key8":{}})");
  EXPECT_EQ(emitYaml(j),
            "key1: foo\nkey2:\n  key3: bar\n  key4: true\nkey5: 3\nkey6:\n- foo\n- 7\nkey7: []\n"
            "key8: {}\n");
}

TEST(Yaml, EmitsSequencesOfMapsAndSequencesCompactly) {
  Json j = Json::parse(R"([["a","b"],{"baz":["bar","",1,2]},{"x":1,"y":{"z":null}}])");
  EXPECT_EQ(
      emitYaml(j),
      "- - a\n  - b\n- baz:\n  - bar\n  - \"\"\n  - 1\n  - 2\n- x: 1\n  \"y\":\n    z: null\n");
}

TEST(Yaml, EmitsTopLevelScalarsAndEmptyCollections) {
  EXPECT_EQ(emitYaml(Json("foo")), "foo\n");
  EXPECT_EQ(emitYaml(Json(nullptr)), "null\n");
  EXPECT_EQ(emitYaml(Json::array()), "[]\n");
  EXPECT_EQ(emitYaml(Json::object()), "{}\n");
}

TEST(Yaml, QuotesStringsThatWouldReadBackAsSomethingElse) {
  auto line = [](std::string s) { return emitYaml(Json{{"k", s}}); };
  EXPECT_EQ(line("123"), "k: \"123\"\n");
  EXPECT_EQ(line("true"), "k: \"true\"\n");
  EXPECT_EQ(line("yes"), "k: \"yes\"\n");
  EXPECT_EQ(line("null"), "k: \"null\"\n");
  EXPECT_EQ(line(""), "k: \"\"\n");
  EXPECT_EQ(line("1.5"), "k: \"1.5\"\n");
  EXPECT_EQ(line("0x1F"), "k: \"0x1F\"\n");
  EXPECT_EQ(line("2001-12-14"), "k: \"2001-12-14\"\n");
  EXPECT_EQ(line("3000:30"), "k: \"3000:30\"\n");  // a YAML 1.1 base-60 float
  EXPECT_EQ(line("8080:80"), "k: 8080:80\n");
  EXPECT_EQ(line("<<"), "k: \"<<\"\n");
  EXPECT_EQ(line("hello world"), "k: hello world\n");
  EXPECT_EQ(line("nginx:1.25"), "k: nginx:1.25\n");
}

TEST(Yaml, SingleQuotesStringsWithIndicators) {
  auto line = [](std::string s) { return emitYaml(Json{{"k", s}}); };
  EXPECT_EQ(line("foo: bar"), "k: 'foo: bar'\n");
  EXPECT_EQ(line("#not a comment"), "k: '#not a comment'\n");
  EXPECT_EQ(line("- item"), "k: '- item'\n");
  EXPECT_EQ(line("*/5 * * * *"), "k: '*/5 * * * *'\n");
  EXPECT_EQ(line("it's: here"), "k: 'it''s: here'\n");
  EXPECT_EQ(line(" leading"), "k: ' leading'\n");
  EXPECT_EQ(line("---"), "k: '---'\n");
}

TEST(Yaml, DoubleQuotesStringsWithControlCharacters) {
  auto line = [](std::string s) { return emitYaml(Json{{"k", s}}); };
  EXPECT_EQ(line("tab\there"), "k: \"tab\\there\"\n");
  EXPECT_EQ(line(std::string("nul\0x", 5)), "k: \"nul\\0x\"\n");
  EXPECT_EQ(line("bell\x07"), "k: \"bell\\a\"\n");
  EXPECT_EQ(line("emoji \xF0\x9F\x98\x80"), "k: \"emoji \\U0001F600\"\n");
  EXPECT_EQ(line("caf\xC3\xA9"), "k: caf\xC3\xA9\n");
}

TEST(Yaml, WritesMultiLineStringsAsLiteralBlocksWithChompingIndicators) {
  auto line = [](std::string s) { return emitYaml(Json{{"k", s}}); };
  EXPECT_EQ(line("line1\nline2\n"), "k: |\n  line1\n  line2\n");
  EXPECT_EQ(line("line1\nline2"), "k: |-\n  line1\n  line2\n");
  EXPECT_EQ(line("line1\n\n"), "k: |+\n  line1\n\n");
  EXPECT_EQ(line("  indented\nnext\n"), "k: |2\n    indented\n  next\n");
  EXPECT_EQ(line("trailing space \nx"), "k: \"trailing space \\nx\"\n");
  EXPECT_EQ(emitYaml(Json("a\nb\n")), "|\n  a\n  b\n");
  EXPECT_EQ(emitYaml(Json::array({"a\nb"})), "- |-\n  a\n  b\n");
}

TEST(Yaml, FoldsLongStringsPastColumnEighty) {
  std::string words;
  for (int i = 0; i < 30; ++i) words += "word" + std::to_string(i) + " ";
  words += "end";
  std::string out = emitYaml(Json{{"description", words}});
  EXPECT_NE(out.find("\n  "), std::string::npos) << out;
  for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1)
    EXPECT_LE(end - start, 100u) << out;
  EXPECT_EQ(parseOk(out)["description"], words);

  std::string quoted = "x: " + words;  // single-quoted because of ": "
  out = emitYaml(Json{{"k", quoted}});
  EXPECT_EQ(parseOk(out)["k"], quoted) << out;
  std::string doubled = words + "\t";  // double-quoted because of the tab
  out = emitYaml(Json{{"k", doubled}});
  EXPECT_EQ(parseOk(out)["k"], doubled) << out;
  std::string spaced = words + "  two  spaces  " + words;
  out = emitYaml(Json{{"k", spaced + "\t"}});
  EXPECT_EQ(parseOk(out)["k"], spaced + "\t") << out;
}

TEST(Yaml, WritesLongOrMultiLineKeysAsComplexKeys) {
  std::string long_key(130, 'k');
  std::string out = emitYaml(Json{{long_key, 1}});
  EXPECT_EQ(out, "? " + long_key + "\n: 1\n");
  EXPECT_EQ(parseOk(out)[long_key], 1);
  out = emitYaml(Json{{"two\nlines", 1}});
  EXPECT_EQ(out, "? |-\n  two\n  lines\n: 1\n");
  EXPECT_EQ(parseOk(out)["two\nlines"], 1);
}

TEST(Yaml, WritesNumbersAsTiltDoes) {
  EXPECT_EQ(emitYaml(Json(3.0)), "3\n");
  EXPECT_EQ(emitYaml(Json(0.5)), "0.5\n");
  EXPECT_EQ(emitYaml(Json(1e21)), "1e+21\n");
  EXPECT_EQ(emitYaml(Json(1e20)), "1e+20\n");
  EXPECT_EQ(emitYaml(Json(1234567.5)), "1.2345675e+06\n");
  EXPECT_EQ(emitYaml(Json(-0.0001)), "-0.0001\n");
  EXPECT_EQ(emitYaml(Json(std::nan(""))), ".nan\n");
  EXPECT_EQ(emitYaml(Json(-INFINITY)), "-.inf\n");
  EXPECT_EQ(emitYaml(Json(uint64_t{18446744073709551615u})), "18446744073709551615\n");
}

TEST(Yaml, FormatsFloatsAsGoEncodingJson) {
  EXPECT_EQ(formatJsonFloat(3), "3");
  EXPECT_EQ(formatJsonFloat(0.1), "0.1");
  EXPECT_EQ(formatJsonFloat(-2.5), "-2.5");
  EXPECT_EQ(formatJsonFloat(1e21), "1e+21");
  EXPECT_EQ(formatJsonFloat(1e20), "100000000000000000000");
  EXPECT_EQ(formatJsonFloat(1e-7), "1e-7");
  EXPECT_EQ(formatJsonFloat(1.5e-10), "1.5e-10");
  EXPECT_EQ(formatJsonFloat(0.000001), "0.000001");
  EXPECT_EQ(formatJsonFloat(4611686018427387904.0), "4611686018427388000");
  EXPECT_EQ(formatJsonFloat(0), "0");
}

TEST(Yaml, EmitsStreamsSeparatedByDashes) {
  EXPECT_EQ(emitYamlStream({Json{{"a", 1}}, Json{{"b", 2}}}), "a: 1\n---\nb: 2\n");
  EXPECT_EQ(emitYamlStream({}), "");
}

// ---- round trips ------------------------------------------------------------------------------

constexpr std::string_view kManifests[] = {
    R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
  labels:
    app.kubernetes.io/name: api
    app.kubernetes.io/version: "1.0"
  annotations:
    deployment.kubernetes.io/revision: "3"
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  strategy:
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels:
        app: api
    spec:
      initContainers:
      - name: migrate
        image: api:dev
        command: ["./migrate", "--up"]
      containers:
      - name: api
        image: registry.example.com/team/api:dev
        args: ['--port=8080', --verbose]
        ports:
        - containerPort: 8080
          name: http
          protocol: TCP
        env:
        - name: DATABASE_URL
          value: postgres://postgres:postgres@db:5432/app?sslmode=disable
        - name: FEATURE_FLAG
          value: "true"
        - name: PORT
          value: "8080"
        - name: EMPTY
          value: ""
        resources:
          limits: {cpu: 500m, memory: 256Mi}
          requests:
            cpu: 0.1
            memory: 64Mi
        readinessProbe:
          httpGet: {path: /health, port: http}
          initialDelaySeconds: 5
          periodSeconds: 10
        volumeMounts:
        - name: config
          mountPath: /etc/api
          readOnly: true
      volumes:
      - name: config
        configMap:
          name: api-config
          defaultMode: 0644
)",
    R"(apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: ClusterIP
  selector: {app: api}
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  config.yaml: |
    server:
      port: 8080
    log: debug
  entrypoint.sh: |-
    #!/bin/sh
    set -e

    exec "$@"
  literal_with_blank_lines: |+
    keep


  empty: ""
  on: "yes"
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: cleanup
            image: busybox:1.36
            command:
            - /bin/sh
            - -c
            - date; echo "cleaning up" && rm -rf /tmp/cache/*
)",
    R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /$2
    nginx.ingress.kubernetes.io/configuration-snippet: |
      more_set_headers "X-Frame-Options: DENY";
spec:
  ingressClassName: nginx
  tls:
  - hosts: [example.com]
    secretName: example-tls
  rules:
  - host: example.com
    http:
      paths:
      - path: /api(/|$)(.*)
        pathType: ImplementationSpecific
        backend:
          service: {name: api, port: {number: 80}}
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
stringData:
  password: "0123"
  token: 'abc: def'
data:
  key: aGVsbG8gd29ybGQ=
)",
    R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - jsonPath: .status.phase
      name: Phase
      type: string
    schema:
      openAPIV3Schema:
        type: object
        description: A Widget is a very long description that goes past the eighty column limit of the emitter and has to be folded.
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
            properties:
              size: {type: integer, minimum: 1, maximum: 10}
              ratio: {type: number, default: 0.75}
              tags: {type: array, items: {type: string}}
)",
    R"(x-common: &common
  restart: unless-stopped
  environment:
    TZ: UTC
    DEBUG: "false"
services:
  db:
    <<: *common
    image: postgres:16
    ports: ["5432:5432"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 5s
  redis:
    <<: *common
    image: redis:7
    command: redis-server --appendonly yes
    ports:
    - 6379:6379
  web:
    build: {context: ., dockerfile: Dockerfile.dev}
    depends_on: [db, redis]
    ports:
    - "3000:3000"
    - 127.0.0.1:9229:9229
)",
};

TEST(Yaml, RoundTripsRealManifestsExactly) {
  for (std::string_view m : kManifests) expectRoundTrip(m);
}

TEST(Yaml, RoundTripsStringsOfEveryStyle) {
  Json j = Json::object();
  std::vector<std::string> strings = {
      "plain",
      "123",
      "yes",
      "",
      " lead",
      "trail ",
      "a\nb",
      "a\nb\n",
      "a\n\n",
      "\n",
      "\nstart",
      "tab\tx",
      "'quote'",
      "\"dq\"",
      "a: b",
      "#c",
      "- d",
      "? e",
      "[f]",
      "{g}",
      "&h",
      "*i",
      "!j",
      "|k",
      ">l",
      "%m",
      "@n",
      "`o",
      "p #q",
      "r:",
      "---",
      "...",
      "x\r\ny",
      "\xC2\x85",
      "\xE2\x80\xA8",
      "\xEF\xBB\xBF"
      "bom",
      "caf\xC3\xA9",
      "\xF0\x9F\x98\x80",
      "  \n  ",
      "a \nb",
      "a\n b",
      "1:30",
      "0o17",
      "~",
      "<<",
      "2001-12-14",
      "-",
      ".",
      ".5",
      "1e3",
      "+1",
      "0x",
      "1_000",
      ":",
  };
  for (size_t i = 0; i < strings.size(); ++i) {
    j["k" + std::to_string(i)] = strings[i];
    j[strings[i]] = static_cast<int64_t>(i);
  }
  j["list"] = strings;
  std::string out = emitYaml(j);
  auto back = parseYaml(out);
  ASSERT_TRUE(back.has_value()) << back.error().message() << "\n" << out;
  EXPECT_EQ(*back, j) << out;
}

TEST(Yaml, RoundTripsTheFuzzCorpus) {
  std::filesystem::path dir = std::filesystem::path(SLANT_SOURCE_DIR) / "tests/fuzz/corpus/yaml";
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto docs = parseYamlStream(text);
    if (!docs) continue;  // the corpus has broken input on purpose
    SCOPED_TRACE(entry.path().string());
    expectRoundTrip(text);
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

}  // namespace
}  // namespace slant::tiltfile
