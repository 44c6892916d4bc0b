#include "tiltfile/convert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "starlark/lib/struct.h"
#include "starlark/value.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {
namespace {

using starlark::Dict;
using starlark::List;
using starlark::makeString;
using starlark::Value;

TEST(Convert, JsonBecomesUnfrozenStarlarkValuesInOrder) {
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  Json j = Json::parse(R"({"z":1,"a":[true,null,2.5,"s"],"big":18446744073709551615,"m":{}})");
  Value v = jsonToValue(j);
  EXPECT_EQ(starlark::repr(v),
            R"({"z": 1, "a": [True, None, 2.5, "s"], "big": 18446744073709551615, "m": {}})");
  EXPECT_FALSE(starlark::isFrozen(v));
}

TEST(Convert, StarlarkValuesBecomeJson) {
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  Value d = starlark::make<Dict>();
  ASSERT_TRUE(d.as<Dict>()->set(makeString("b"), Value::boolean(true)));
  ASSERT_TRUE(d.as<Dict>()->set(makeString("a"),
                                starlark::make<starlark::Tuple>(starlark::ValueVector{
                                    Value::smallInt(1), Value::floating(0.5), Value::none()})));
  ASSERT_TRUE(d.as<Dict>()->set(makeString("blob"), makeBlob("text")));
  ASSERT_TRUE(d.as<Dict>()->set(
      makeString("s"),
      starlark::lib::makeStruct({{"y", Value::smallInt(2)}, {"x", makeString("1")}})));
  auto j = valueToJson(d);
  ASSERT_TRUE(j.has_value()) << j.error().message();
  EXPECT_EQ(j->dump(), R"({"b":true,"a":[1,0.5,null],"blob":"text","s":{"x":"1","y":2}})");
}

TEST(Convert, BigIntsBeyondUint64AreErrors) {
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  auto ok = valueToJson(starlark::makeIntFromDecimal("18446744073709551615"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->get<uint64_t>(), 18446744073709551615u);
  auto err = valueToJson(starlark::makeIntFromDecimal("18446744073709551616"));
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().message(), "int 18446744073709551616 is too large for JSON");
}

TEST(Convert, UnsupportedValuesAndKeysAreNamed) {
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  Value d = starlark::make<Dict>();
  ASSERT_TRUE(d.as<Dict>()->set(Value::smallInt(1), makeString("x")));
  EXPECT_EQ(valueToJson(d).error().message(), "dict key must be a string, got int");
  Value s = starlark::make<starlark::Set>();
  EXPECT_EQ(valueToJson(s).error().message(), "unsupported type set");
}

TEST(Convert, CyclesAreErrorsNotCrashes) {
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  Value l = starlark::make<List>();
  l.as<List>()->mutableElems().push_back(l);
  EXPECT_EQ(valueToJson(l).error().message(), "cannot convert a list that contains itself");
}

TEST(Convert, WritesIndentedJsonAsGoWithSortedKeys) {
  Json j =
      Json::parse(R"({"b":[1,2.5,3.0,{}],"a":"<tag> & \"q\"","c":[],"d":{"z":null,"y":true}})");
  auto text = writeIndentedJson(j);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, R"({
  "a": "\u003ctag\u003e \u0026 \"q\"",
  "b": [
    1,
    2.5,
    3,
    {}
  ],
  "c": [],
  "d": {
    "y": true,
    "z": null
  }
}
)");
  EXPECT_EQ(writeIndentedJson(Json(std::nan(""))).error().message(),
            "json: unsupported value: NaN");
  EXPECT_EQ(*writeIndentedJson(Json(1e21)), "1e+21\n");
}

}  // namespace
}  // namespace slant::tiltfile
