// Tests of the data builtins, after Tilt's internal/tiltfile/io and encoding tests.
#include "tiltfile/data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::HasSubstr;

class DataTest : public TiltfileTest {};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A Tiltfile that fails with `msg` unless the two expressions are equal.
constexpr std::string_view kAssert = R"(
def assert_eq(expected, observed):
    if expected != observed:
        fail('expected: %r\nobserved: %r' % (expected, observed))
)";

// ---- read_file --------------------------------------------------------------------------------

TEST_F(DataTest, ReadFileReturnsABlobAndRecordsTheFile) {
  file("foo.txt", "foo");
  file("Tiltfile", std::string(kAssert) +
                       "s = read_file('foo.txt')\nassert_eq('blob', type(s))\n"
                       "assert_eq('foo', str(s))\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.config_files, path("foo.txt")));
}

TEST_F(DataTest, ReadFileDefaultIsUsedWhenTheFileIsMissing) {
  file("Tiltfile", std::string(kAssert) +
                       "assert_eq('foo', str(read_file('dne.txt', 'foo')))\n"
                       "assert_eq('', str(read_file('dne2.txt', default='')))\n");
  model::Project p = loadOk();
  // Creating the missing file must re-execute the Tiltfile.
  EXPECT_TRUE(contains(p.config_files, path("dne.txt")));
}

TEST_F(DataTest, ReadFileRejectsADefaultThatIsNotAString) {
  file("foo.txt", "foo");
  file("Tiltfile", "s = read_file('foo.txt', 5)\n");
  EXPECT_THAT(loadError(), HasSubstr("read_file: for parameter default: expected starlark.String "
                                     "or None, got starlark.Int"));
}

TEST_F(DataTest, ReadFileOfAMissingFileNamesIt) {
  file("Tiltfile", "x = 1\ns = read_file('dne.txt')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error, HasSubstr("open " + path("dne.txt") + ": no such file or directory"));
  EXPECT_THAT(*r.error, HasSubstr(path("Tiltfile") + ":2:14: in <toplevel>"));
  EXPECT_TRUE(contains(r.project.config_files, path("dne.txt")));
}

TEST_F(DataTest, ReadFileOfADirectoryFailsAndIsNotWatched) {
  file("sub/a.txt", "a");
  file("Tiltfile", "read_file('sub')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error, HasSubstr("read " + path("sub") + ": is a directory"));
  EXPECT_FALSE(contains(r.project.config_files, path("sub")));
}

TEST_F(DataTest, ReadFilePathsMustBeStrings) {
  file("Tiltfile", "read_file(blob('x'))\n");
  EXPECT_THAT(loadError(),
              HasSubstr("read_file: for parameter paths: expected path | string. Actual type: "
                        "io.Blob"));
}

TEST_F(DataTest, ReadFileResolvesAgainstTheLoadedFilesDirectory) {
  file("sub/data.txt", "from sub");
  file("sub/lib.star", "def get():\n    return str(read_file('data.txt'))\nval = get()\n");
  file("Tiltfile", "load('sub/lib.star', 'val')\nprint(val)\n");
  loadOk();
  EXPECT_EQ(logText(), "from sub\n");
}

// ---- JSON -------------------------------------------------------------------------------------

TEST_F(DataTest, ReadJsonDecodesAndRecords) {
  file("options.json", R"({"key1": "foo", "key2": {"key3": "bar", "key4": true}, "key5": 3})");
  file("Tiltfile", std::string(kAssert) +
                       "assert_eq({'key1': 'foo', 'key2': {'key3': 'bar', 'key4': True}, "
                       "'key5': 3}, read_json('options.json'))\n"
                       "assert_eq(['key1', 'key2', 'key5'], list(read_json('options.json')))\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.config_files, path("options.json")));
}

TEST_F(DataTest, ReadJsonDefaultMayBeAnyValue) {
  file("Tiltfile", std::string(kAssert) +
                       "assert_eq([1], read_json('dne.json', [1]))\n"
                       "assert_eq(None, read_json('dne.json', None))\n");
  loadOk();
}

TEST_F(DataTest, ReadJsonOfAMissingFileWithoutDefaultFails) {
  file("Tiltfile", "read_json('dne.json')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error, HasSubstr("open " + path("dne.json") + ": no such file or directory"));
  EXPECT_TRUE(contains(r.project.config_files, path("dne.json")));
}

TEST_F(DataTest, MalformedJsonNamesTheFile) {
  file("options.json", R"(["foo", {"baz":["bar", "", 1, 2]})");
  file("Tiltfile", "read_json('options.json')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error,
              HasSubstr("error parsing JSON from " + path("options.json") + ": unexpected EOF"));
  EXPECT_TRUE(contains(r.project.config_files, path("options.json")));
}

TEST_F(DataTest, JsonWithSeveralValuesIsAnError) {
  file("stream.json", "{\"a\":1,\"b\":2}\n{\"a\":2,\"b\":3}");
  file("Tiltfile", "read_json('stream.json')\n");
  EXPECT_THAT(loadError(), HasSubstr("found multiple JSON values"));
}

TEST_F(DataTest, DecodeJsonTakesStringsAndBlobs) {
  file("Tiltfile",
       std::string(kAssert) +
           "want = ['foo', {'baz': ['bar', '', 1, 2]}]\n"
           "assert_eq(want, decode_json('[\"foo\", {\"baz\":[\"bar\", \"\", 1, 2]}]'))\n"
           "assert_eq(want, decode_json(blob('[\"foo\", {\"baz\":[\"bar\", \"\", 1, "
           "2]}]')))\n"
           "x = decode_json('{\"int\":42,\"float\":3.14,\"intfloat\":3.0}')\n"
           "assert_eq('42', repr(x['int']))\n"
           "assert_eq('3.14', repr(x['float']))\n"
           "assert_eq('3.0', repr(x['intfloat']))\n");
  loadOk();
}

TEST_F(DataTest, DecodeJsonErrorsSayWhatWentWrong) {
  file("Tiltfile", "decode_json('')\n");
  EXPECT_THAT(loadError(), HasSubstr("error parsing JSON: EOF"));
  file("Tiltfile", "decode_json('{\"a\": nope}')\n");
  EXPECT_THAT(loadError(), HasSubstr("error parsing JSON: invalid character 'o' in literal null "
                                     "(expecting 'u')"));
  file("Tiltfile", "decode_json(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("decode_json: for parameter json: Value should be "
                                     "convertible to string, but is type int"));
}

TEST_F(DataTest, EncodeJsonReturnsIndentedJsonWithSortedKeys) {
  file("Tiltfile", std::string(kAssert) +
                       "want = '''[\n  \"foo\",\n  {\n    \"baz\": [\n      \"bar\",\n      \"\",\n"
                       "      1,\n      2\n    ]\n  }\n]\n'''\n"
                       "assert_eq(want, encode_json(['foo', {'baz': ['bar', '', 1, 2]}]))\n"
                       "assert_eq('{\\n  \"a\": 1.5,\\n  \"b\": 3\\n}\\n', "
                       "encode_json({'b': 3.0, 'a': 1.5}))\n"
                       "assert_eq('string', type(encode_json(None)))\n");
  loadOk();
}

TEST_F(DataTest, EncodeJsonRejectsNonStringKeysAndUnsupportedTypes) {
  file("Tiltfile", "encode_json({1: 'hello'})\n");
  EXPECT_THAT(loadError(), HasSubstr("error converting object from starlark: only string keys "
                                     "are supported in maps. found key '1' of type int64"));
  file("Tiltfile", "encode_json(blob('hello'))\n");
  EXPECT_THAT(loadError(), HasSubstr("unable to convert from starlark value, unsupported type "
                                     "io.Blob"));
  file("Tiltfile", "encode_json(float('nan'))\n");
  EXPECT_THAT(loadError(),
              HasSubstr("error serializing object to json: json: unsupported value: NaN"));
}

// ---- YAML -------------------------------------------------------------------------------------

TEST_F(DataTest, ReadYamlDecodesAndRecords) {
  file("options.yaml", "key1: foo\nkey2:\n    key3: \"bar\"\n    key4: true\nkey5: 3\n");
  file("Tiltfile", std::string(kAssert) +
                       "assert_eq({'key1': 'foo', 'key2': {'key3': 'bar', 'key4': True}, "
                       "'key5': 3}, read_yaml('options.yaml'))\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.config_files, path("options.yaml")));
}

TEST_F(DataTest, ReadYamlDefaults) {
  file("Tiltfile", std::string(kAssert) +
                       "assert_eq('hello', read_yaml('dne.yaml', 'hello'))\n"
                       "assert_eq(None, read_yaml('dne.yaml', None))\n"
                       "assert_eq(['hello', 'goodbye'], read_yaml_stream('dne.yaml', ['hello', "
                       "'goodbye']))\n");
  loadOk();
}

TEST_F(DataTest, ReadYamlOfAMissingFileFailsAndIsRecorded) {
  file("Tiltfile", "result = read_yaml('dne.yaml')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error, HasSubstr("open " + path("dne.yaml") + ": no such file or directory"));
  EXPECT_THAT(*r.error, HasSubstr(path("Tiltfile") + ":1:19: in <toplevel>"));
  EXPECT_TRUE(contains(r.project.config_files, path("dne.yaml")));
}

TEST_F(DataTest, MalformedYamlNamesTheFileAsWritten) {
  file("options.yaml", "\nkey1: foo\nkey2:\n    key3: \"bar\n    key4: true\nkey5: 3\n");
  file("Tiltfile", "result = read_yaml('options.yaml')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(
      *r.error,
      HasSubstr("error parsing YAML from options.yaml: line 7, column 1: illegal EOF in scalar"));
  EXPECT_TRUE(contains(r.project.config_files, path("options.yaml")));
}

constexpr std::string_view kYamlStream = R"(- foo
- baz:
  - bar
  - ""
  - 1
  - 2
---
quu:
- qux
- a:
  - 3
)";

constexpr std::string_view kYamlStreamAsStarlark =
    "[['foo', {'baz': ['bar', '', 1, 2]}], {'quu': ['qux', {'a': [3]}]}]";

TEST_F(DataTest, ReadYamlStreamReturnsEveryDocument) {
  file("test.yaml", kYamlStream);
  file("Tiltfile", std::string(kAssert) + "assert_eq(" + std::string(kYamlStreamAsStarlark) +
                       ", read_yaml_stream('test.yaml'))\n");
  loadOk();
}

TEST_F(DataTest, ReadYamlOfAStreamIsAnError) {
  file("test.yaml", kYamlStream);
  file("Tiltfile", "read_yaml('test.yaml')\n");
  EXPECT_THAT(loadError(), HasSubstr("expected a yaml document but found a yaml stream "
                                     "(documents separated by `---`). use decode_yaml_stream "
                                     "instead to decode a yaml stream"));
}

TEST_F(DataTest, ReadYamlStreamDefaultMustBeAList) {
  file("Tiltfile", "read_yaml_stream('dne.yaml', None)\n");
  EXPECT_THAT(loadError(),
              HasSubstr("read_yaml_stream: for parameter default: got NoneType, want list"));
  file("Tiltfile", "read_yaml(3)\n");
  EXPECT_THAT(loadError(), HasSubstr("read_yaml: for parameter paths: got int, want string"));
}

TEST_F(DataTest, DecodeYamlTakesStringsAndBlobs) {
  file("Tiltfile",
       std::string(kAssert) +
           "want = ['foo', {'baz': ['bar', '', 1, 2]}]\n"
           "d = '- \"foo\"\\n- baz:\\n  - \"bar\"\\n  - \"\"\\n  - 1\\n  - 2'\n"
           "assert_eq(want, decode_yaml(d))\n"
           "assert_eq(want, decode_yaml(blob(d)))\n"
           "assert_eq(None, decode_yaml(''))\n"
           "x = decode_yaml('---\\nint: 42\\nfloat: 3.14\\n')\n"
           "assert_eq('42', repr(x['int']))\n"
           "assert_eq('3.14', repr(x['float']))\n"
           "assert_eq(['hello', 'goodbye'], [r['name'] for r in "
           "decode_yaml_stream('name: hello\\n---\\n\\n---\\nname: goodbye\\n---\\n\\n---')])\n"
           "assert_eq(" +
           std::string(kYamlStreamAsStarlark) + ", decode_yaml_stream('''" +
           std::string(kYamlStream) + "'''))\n");
  loadOk();
}

TEST_F(DataTest, DecodeYamlOfAStreamIsAnError) {
  file("Tiltfile", "decode_yaml('''" + std::string(kYamlStream) + "''')\n");
  EXPECT_THAT(loadError(), HasSubstr("expected a yaml document but found a yaml stream"));
  file("Tiltfile", "decode_yaml('a: [')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("error parsing YAML: line 2, column 1: end of sequence flow not found"));
}

TEST_F(DataTest, EncodeYamlWritesWhatTiltWrites) {
  file("Tiltfile", std::string(kAssert) + R"(
expected = '''key1: foo
key2:
  key3: bar
  key4: true
key5: 3
key6:
- foo
- 7
key7: []
'''
observed = encode_yaml({
  'key7': [],
  'key1': 'foo',
  'key5': 3.0,
  'key2': {
    'key4': True,
    'key3': 'bar',
  },
  'key6': [
    'foo',
    7,
  ],
})
assert_eq('blob', type(observed))
assert_eq(expected, str(observed))
assert_eq('a2: 1\na10: 2\nb: "3"\n', str(encode_yaml({'b': '3', 'a10': 2, 'a2': 1})))
)");
  loadOk();
}

TEST_F(DataTest, EncodeYamlStreamJoinsDocuments) {
  file("Tiltfile", std::string(kAssert) + "assert_eq('''" + std::string(kYamlStream) +
                       "''', str(encode_yaml_stream(" + std::string(kYamlStreamAsStarlark) +
                       ")))\nassert_eq('', str(encode_yaml_stream([])))\n");
  loadOk();
}

TEST_F(DataTest, EncodeYamlRejectsWhatTiltRejects) {
  file("Tiltfile", "encode_yaml({1: 'hello'})\n");
  EXPECT_THAT(loadError(), HasSubstr("only string keys are supported in maps. found key '1' of "
                                     "type int64"));
  file("Tiltfile", "encode_yaml(blob('hello'))\n");
  EXPECT_THAT(loadError(), HasSubstr("unsupported type io.Blob"));
  file("Tiltfile", "encode_yaml(struct(a=1))\n");
  EXPECT_THAT(loadError(), HasSubstr("unsupported type *starlarkstruct.Struct"));
  file("Tiltfile", "encode_yaml({'x': float('inf')})\n");
  EXPECT_THAT(loadError(), HasSubstr("error serializing object to yaml: error marshaling into "
                                     "JSON: json: unsupported value: +Inf"));
  file("Tiltfile", "encode_yaml_stream(({},))\n");
  EXPECT_THAT(loadError(),
              HasSubstr("encode_yaml_stream: for parameter objs: got tuple, want list"));
}

TEST_F(DataTest, YamlRoundTripsThroughTheBuiltins) {
  file("deploy.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.25
        args: ["--port", "8080"]
        env:
        - {name: DEBUG, value: "true"}
)");
  file("Tiltfile", std::string(kAssert) +
                       "d = read_yaml('deploy.yaml')\n"
                       "assert_eq(d, decode_yaml(encode_yaml(d)))\n"
                       "d['spec']['replicas'] = 2\n"
                       "assert_eq(2, decode_yaml(encode_yaml(d))['spec']['replicas'])\n");
  loadOk();
}

// ---- blob, listdir, watch_file ----------------------------------------------------------------

TEST_F(DataTest, BlobWrapsAString) {
  file("Tiltfile", std::string(kAssert) +
                       "b = blob('hi')\nassert_eq('blob', type(b))\n"
                       "assert_eq('hi', str(b))\n");
  loadOk();
  file("Tiltfile", "blob(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("blob: for parameter input: got int, want string"));
}

TEST_F(DataTest, ListdirListsFilesSortedAndAbsolute) {
  file("d/b.txt", "");
  file("d/a.txt", "");
  file("d/sub/c.txt", "");
  file("d/sub/deeper/e.txt", "");
  file("Tiltfile",
       "print(listdir('d'))\nprint(listdir('d', recursive=True))\n"
       "print(listdir('missing'))\n");
  model::Project p = loadOk();
  std::string d = path("d");
  EXPECT_EQ(logText(), "[\"" + d + "/a.txt\", \"" + d + "/b.txt\"]\n[\"" + d + "/a.txt\", \"" + d +
                           "/b.txt\", \"" + d + "/sub/c.txt\", \"" + d +
                           "/sub/deeper/e.txt\"]\n[]\n");
  // Only a recursive listing is watched (Tilt watches directories recursively or not at all).
  EXPECT_TRUE(contains(p.config_files, d));
}

TEST_F(DataTest, ListdirWithoutRecursionIsNotWatched) {
  file("d/a.txt", "");
  file("Tiltfile", "listdir('d')\n");
  model::Project p = loadOk();
  EXPECT_FALSE(contains(p.config_files, path("d")));
}

TEST_F(DataTest, ListdirListsSymlinksButDoesNotFollowThem) {
  file("real/x.txt", "");
  file("d/a.txt", "");
  std::filesystem::create_directory_symlink(path("real"), path("d/link"));
  file("Tiltfile", "print(listdir('d', True))\n");
  loadOk();
  EXPECT_EQ(logText(), "[\"" + path("d/a.txt") + "\", \"" + path("d/link") + "\"]\n");
}

TEST_F(DataTest, WatchFileRecordsThePathEvenIfMissing) {
  file("Tiltfile", "watch_file('later.txt')\nwatch_file('dir')\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.config_files, path("later.txt")));
  EXPECT_TRUE(contains(p.config_files, path("dir")));
  file("Tiltfile", "watch_file(path='x')\n");
  EXPECT_THAT(loadError(), HasSubstr("watch_file: unexpected keyword argument \"path\""));
}

}  // namespace
}  // namespace slant::tiltfile
