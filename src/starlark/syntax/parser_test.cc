// Tests of the parser: go.starlark.net's parse_test.go tree tables re-expressed in C++, the
// conformance file syntax/testdata/errors.star, the REPL entry point, and node positions.
#include "starlark/syntax/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "starlark/syntax/chunked_file_test_util.h"
#include "starlark/syntax/scanner.h"

namespace slant::starlark::syntax {
namespace {

std::string goQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

// Prints a node as go.starlark.net's parse_test.go treeString does: (Type Field=value ...),
// positions and empty fields omitted, identifiers bare, string and int literals as values.
class TreePrinter {
 public:
  std::string print(const Node* n) {
    out_.clear();
    node(n);
    return out_;
  }

  void node(const Node* n) {
    if (n == nullptr) {
      out_ += "nil";
      return;
    }
    switch (n->kind) {
      case NodeKind::kIdent:
        out_ += static_cast<const Ident*>(n)->name;
        return;
      case NodeKind::kLiteral: {
        auto* lit = static_cast<const Literal*>(n);
        if (lit->token == Token::kString) {
          out_ += goQuote(lit->string_value);
        } else if (lit->token == Token::kInt) {
          out_ += lit->is_big_int ? lit->string_value : std::to_string(lit->int_value);
        }
        return;
      }
      case NodeKind::kParenExpr: {
        auto* e = static_cast<const ParenExpr*>(n);
        open("ParenExpr");
        field("X", e->x);
        break;
      }
      case NodeKind::kCallExpr: {
        auto* e = static_cast<const CallExpr*>(n);
        open("CallExpr");
        field("Fn", e->fn);
        list("Args", e->args);
        break;
      }
      case NodeKind::kDotExpr: {
        auto* e = static_cast<const DotExpr*>(n);
        open("DotExpr");
        field("X", e->x);
        field("Name", e->name);
        break;
      }
      case NodeKind::kComprehension: {
        auto* e = static_cast<const Comprehension*>(n);
        open("Comprehension");
        if (e->curly) out_ += " Curly";
        field("Body", e->body);
        list("Clauses", e->clauses);
        break;
      }
      case NodeKind::kForClause: {
        auto* e = static_cast<const ForClause*>(n);
        open("ForClause");
        field("Vars", e->vars);
        field("X", e->x);
        break;
      }
      case NodeKind::kIfClause:
        open("IfClause");
        field("Cond", static_cast<const IfClause*>(n)->cond);
        break;
      case NodeKind::kDictEntry: {
        auto* e = static_cast<const DictEntry*>(n);
        open("DictEntry");
        field("Key", e->key);
        field("Value", e->value);
        break;
      }
      case NodeKind::kDictExpr:
        open("DictExpr");
        list("List", static_cast<const DictExpr*>(n)->list);
        break;
      case NodeKind::kLambdaExpr: {
        auto* e = static_cast<const LambdaExpr*>(n);
        open("LambdaExpr");
        list("Params", e->params);
        field("Body", e->body);
        break;
      }
      case NodeKind::kListExpr:
        open("ListExpr");
        list("List", static_cast<const ListExpr*>(n)->list);
        break;
      case NodeKind::kCondExpr: {
        auto* e = static_cast<const CondExpr*>(n);
        open("CondExpr");
        field("Cond", e->cond);
        field("True", e->true_expr);
        field("False", e->false_expr);
        break;
      }
      case NodeKind::kTupleExpr:
        open("TupleExpr");
        list("List", static_cast<const TupleExpr*>(n)->list);
        break;
      case NodeKind::kUnaryExpr: {
        auto* e = static_cast<const UnaryExpr*>(n);
        open("UnaryExpr");
        token("Op", e->op);
        field("X", e->x);
        break;
      }
      case NodeKind::kBinaryExpr: {
        auto* e = static_cast<const BinaryExpr*>(n);
        open("BinaryExpr");
        field("X", e->x);
        token("Op", e->op);
        field("Y", e->y);
        break;
      }
      case NodeKind::kSliceExpr: {
        auto* e = static_cast<const SliceExpr*>(n);
        open("SliceExpr");
        field("X", e->x);
        field("Lo", e->lo);
        field("Hi", e->hi);
        field("Step", e->step);
        break;
      }
      case NodeKind::kIndexExpr: {
        auto* e = static_cast<const IndexExpr*>(n);
        open("IndexExpr");
        field("X", e->x);
        field("Y", e->y);
        break;
      }
      case NodeKind::kAssignStmt: {
        auto* s = static_cast<const AssignStmt*>(n);
        open("AssignStmt");
        token("Op", s->op);
        field("LHS", s->lhs);
        field("RHS", s->rhs);
        break;
      }
      case NodeKind::kBranchStmt:
        open("BranchStmt");
        token("Token", static_cast<const BranchStmt*>(n)->token);
        break;
      case NodeKind::kDefStmt: {
        auto* s = static_cast<const DefStmt*>(n);
        open("DefStmt");
        field("Name", s->name);
        list("Params", s->params);
        list("Body", s->body);
        break;
      }
      case NodeKind::kExprStmt:
        open("ExprStmt");
        field("X", static_cast<const ExprStmt*>(n)->x);
        break;
      case NodeKind::kIfStmt: {
        auto* s = static_cast<const IfStmt*>(n);
        open("IfStmt");
        field("Cond", s->cond);
        list("True", s->then_body);
        list("False", s->else_body);
        break;
      }
      case NodeKind::kLoadStmt: {
        auto* s = static_cast<const LoadStmt*>(n);
        open("LoadStmt");
        field("Module", s->module);
        list("From", s->from);
        list("To", s->to);
        break;
      }
      case NodeKind::kReturnStmt:
        open("ReturnStmt");
        field("Result", static_cast<const ReturnStmt*>(n)->result);
        break;
      case NodeKind::kForStmt: {
        auto* s = static_cast<const ForStmt*>(n);
        open("ForStmt");
        field("Vars", s->vars);
        field("X", s->x);
        list("Body", s->body);
        break;
      }
      case NodeKind::kWhileStmt: {
        auto* s = static_cast<const WhileStmt*>(n);
        open("WhileStmt");
        field("Cond", s->cond);
        list("Body", s->body);
        break;
      }
    }
    out_ += ')';
  }

 private:
  void open(const char* type) {
    out_ += '(';
    out_ += type;
  }
  void field(const char* name, const Node* n) {
    if (n == nullptr) return;
    out_ += ' ';
    out_ += name;
    out_ += '=';
    node(n);
  }
  void token(const char* name, Token t) {
    out_ += ' ';
    out_ += name;
    out_ += '=';
    out_ += tokenString(t);
  }
  template <class T>
  void list(const char* name, std::span<T*> items) {
    if (items.empty()) return;
    out_ += ' ';
    out_ += name;
    out_ += "=(";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_ += ' ';
      node(items[i]);
    }
    out_ += ')';
  }

  std::string out_;
};

std::string treeString(const Node* n) { return TreePrinter().print(n); }

// The message without its "file:line:col: " prefix, as parse_test.go's stripPos.
std::string stripPos(const std::string& msg) {
  size_t i = msg.find(": ");
  return i == std::string::npos ? msg : msg.substr(i + 2);
}

struct TreeCase {
  const char* input;
  const char* want;
};

// go.starlark.net's TestExprParseTrees.
const TreeCase kExprCases[] = {
    {"print(1)", "(CallExpr Fn=print Args=(1))"},
    {"print(1)\n", "(CallExpr Fn=print Args=(1))"},
    {"x + 1", "(BinaryExpr X=x Op=+ Y=1)"},
    {"[x for x in y]", "(Comprehension Body=x Clauses=((ForClause Vars=x X=y)))"},
    {"[x for x in (a if b else c)]",
     "(Comprehension Body=x Clauses=((ForClause Vars=x X=(ParenExpr X=(CondExpr Cond=b True=a "
     "False=c)))))"},
    {"x[i].f(42)", "(CallExpr Fn=(DotExpr X=(IndexExpr X=x Y=i) Name=f) Args=(42))"},
    {"x.f()", "(CallExpr Fn=(DotExpr X=x Name=f))"},
    {"x+y*z", "(BinaryExpr X=x Op=+ Y=(BinaryExpr X=y Op=* Y=z))"},
    {"x%y-z", "(BinaryExpr X=(BinaryExpr X=x Op=% Y=y) Op=- Y=z)"},
    {"a + b not in c", "(BinaryExpr X=(BinaryExpr X=a Op=+ Y=b) Op=not in Y=c)"},
    {"lambda x, *args, **kwargs: None",
     "(LambdaExpr Params=(x (UnaryExpr Op=* X=args) (UnaryExpr Op=** X=kwargs)) Body=None)"},
    {"{\"one\": 1}", "(DictExpr List=((DictEntry Key=\"one\" Value=1)))"},
    {"a[i]", "(IndexExpr X=a Y=i)"},
    {"a[i:]", "(SliceExpr X=a Lo=i)"},
    {"a[:j]", "(SliceExpr X=a Hi=j)"},
    {"a[::]", "(SliceExpr X=a)"},
    {"a[::k]", "(SliceExpr X=a Step=k)"},
    {"[]", "(ListExpr)"},
    {"[1]", "(ListExpr List=(1))"},
    {"[1,]", "(ListExpr List=(1))"},
    {"[1, 2]", "(ListExpr List=(1 2))"},
    {"()", "(TupleExpr)"},
    {"(4,)", "(ParenExpr X=(TupleExpr List=(4)))"},
    {"(4)", "(ParenExpr X=4)"},
    {"(4, 5)", "(ParenExpr X=(TupleExpr List=(4 5)))"},
    {"1, 2, 3", "(TupleExpr List=(1 2 3))"},
    {"1, 2,", "unparenthesized tuple with trailing comma"},
    {"{}", "(DictExpr)"},
    {"{\"a\": 1}", "(DictExpr List=((DictEntry Key=\"a\" Value=1)))"},
    {"{\"a\": 1,}", "(DictExpr List=((DictEntry Key=\"a\" Value=1)))"},
    {"{\"a\": 1, \"b\": 2}",
     "(DictExpr List=((DictEntry Key=\"a\" Value=1) (DictEntry Key=\"b\" Value=2)))"},
    {"{x: y for (x, y) in z}",
     "(Comprehension Curly Body=(DictEntry Key=x Value=y) Clauses=((ForClause Vars=(ParenExpr "
     "X=(TupleExpr List=(x y))) X=z)))"},
    {"{x: y for a in b if c}",
     "(Comprehension Curly Body=(DictEntry Key=x Value=y) Clauses=((ForClause Vars=a X=b) "
     "(IfClause Cond=c)))"},
    {"-1 + +2", "(BinaryExpr X=(UnaryExpr Op=- X=1) Op=+ Y=(UnaryExpr Op=+ X=2))"},
    {"\"foo\" + \"bar\"", "(BinaryExpr X=\"foo\" Op=+ Y=\"bar\")"},
    {"-1 * 2", "(BinaryExpr X=(UnaryExpr Op=- X=1) Op=* Y=2)"},
    {"-x[i]", "(UnaryExpr Op=- X=(IndexExpr X=x Y=i))"},
    {"a | b & c | d", "(BinaryExpr X=(BinaryExpr X=a Op=| Y=(BinaryExpr X=b Op=& Y=c)) Op=| Y=d)"},
    {"a or b and c or d",
     "(BinaryExpr X=(BinaryExpr X=a Op=or Y=(BinaryExpr X=b Op=and Y=c)) Op=or Y=d)"},
    {"a and b or c and d",
     "(BinaryExpr X=(BinaryExpr X=a Op=and Y=b) Op=or Y=(BinaryExpr X=c Op=and Y=d))"},
    {"f(1, x=y)", "(CallExpr Fn=f Args=(1 (BinaryExpr X=x Op== Y=y)))"},
    {"f(*args, **kwargs)",
     "(CallExpr Fn=f Args=((UnaryExpr Op=* X=args) (UnaryExpr Op=** X=kwargs)))"},
    {"lambda *args, *, x=1, **kwargs: 0",
     "(LambdaExpr Params=((UnaryExpr Op=* X=args) (UnaryExpr Op=*) (BinaryExpr X=x Op== Y=1) "
     "(UnaryExpr Op=** X=kwargs)) Body=0)"},
    {"lambda *, a, *b: 0", "(LambdaExpr Params=((UnaryExpr Op=*) a (UnaryExpr Op=* X=b)) Body=0)"},
    {"a if b else c", "(CondExpr Cond=b True=a False=c)"},
    {"a and not b", "(BinaryExpr X=a Op=and Y=(UnaryExpr Op=not X=b))"},
    {"[e for x in y if cond1 if cond2]",
     "(Comprehension Body=e Clauses=((ForClause Vars=x X=y) (IfClause Cond=cond1) (IfClause "
     "Cond=cond2)))"},
};

TEST(Parser, BuildsGoStarlarkExpressionTrees) {
  for (const TreeCase& c : kExprCases) {
    auto file = parseExpr("foo.star", c.input);
    std::string got;
    if (!file) {
      got = stripPos(file.error().message());
    } else {
      got = treeString(static_cast<ExprStmt*>((*file)->stmts[0])->x);
    }
    EXPECT_EQ(got, c.want) << "input: " << c.input;
  }
}

// go.starlark.net's TestStmtParseTrees (first statement of each input).
const TreeCase kStmtCases[] = {
    {"print(1)", "(ExprStmt X=(CallExpr Fn=print Args=(1)))"},
    {"return 1, 2", "(ReturnStmt Result=(TupleExpr List=(1 2)))"},
    {"return", "(ReturnStmt)"},
    {"for i in \"abc\": break", "(ForStmt Vars=i X=\"abc\" Body=((BranchStmt Token=break)))"},
    {"for i in \"abc\": continue", "(ForStmt Vars=i X=\"abc\" Body=((BranchStmt Token=continue)))"},
    {"for x, y in z: pass",
     "(ForStmt Vars=(TupleExpr List=(x y)) X=z Body=((BranchStmt Token=pass)))"},
    {"if True: pass", "(IfStmt Cond=True True=((BranchStmt Token=pass)))"},
    {"if True: break", "(IfStmt Cond=True True=((BranchStmt Token=break)))"},
    {"if True: continue", "(IfStmt Cond=True True=((BranchStmt Token=continue)))"},
    {"if True: pass\nelse:\n\tpass",
     "(IfStmt Cond=True True=((BranchStmt Token=pass)) False=((BranchStmt Token=pass)))"},
    {"if a: pass\nelif b: pass\nelse: pass",
     "(IfStmt Cond=a True=((BranchStmt Token=pass)) False=((IfStmt Cond=b True=((BranchStmt "
     "Token=pass)) False=((BranchStmt Token=pass)))))"},
    {"x, y = 1, 2", "(AssignStmt Op== LHS=(TupleExpr List=(x y)) RHS=(TupleExpr List=(1 2)))"},
    {"x[i] = 1", "(AssignStmt Op== LHS=(IndexExpr X=x Y=i) RHS=1)"},
    {"x.f = 1", "(AssignStmt Op== LHS=(DotExpr X=x Name=f) RHS=1)"},
    {"(x, y) = 1", "(AssignStmt Op== LHS=(ParenExpr X=(TupleExpr List=(x y))) RHS=1)"},
    {"load(\"\", \"a\", b=\"c\")", "(LoadStmt Module=\"\" From=(a c) To=(a b))"},
    {"if True: load(\"\", \"a\", b=\"c\")",
     "(IfStmt Cond=True True=((LoadStmt Module=\"\" From=(a c) To=(a b))))"},
    {"def f(x, *args, **kwargs):\n\tpass",
     "(DefStmt Name=f Params=(x (UnaryExpr Op=* X=args) (UnaryExpr Op=** X=kwargs)) "
     "Body=((BranchStmt Token=pass)))"},
    {"def f(**kwargs, *args): pass",
     "(DefStmt Name=f Params=((UnaryExpr Op=** X=kwargs) (UnaryExpr Op=* X=args)) "
     "Body=((BranchStmt Token=pass)))"},
    {"def f(a, b, c=d): pass",
     "(DefStmt Name=f Params=(a b (BinaryExpr X=c Op== Y=d)) Body=((BranchStmt Token=pass)))"},
    {"def f(a, b=c, d): pass",
     "(DefStmt Name=f Params=(a (BinaryExpr X=b Op== Y=c) d) Body=((BranchStmt Token=pass)))"},
    {"def f():\n\tdef g():\n\t\tpass\n\tpass\ndef h():\n\tpass",
     "(DefStmt Name=f Body=((DefStmt Name=g Body=((BranchStmt Token=pass))) (BranchStmt "
     "Token=pass)))"},
    {"f();g()", "(ExprStmt X=(CallExpr Fn=f))"},
    {"f();", "(ExprStmt X=(CallExpr Fn=f))"},
    {"f();g()\n", "(ExprStmt X=(CallExpr Fn=f))"},
    {"f();\n", "(ExprStmt X=(CallExpr Fn=f))"},
};

TEST(Parser, BuildsGoStarlarkStatementTrees) {
  for (const TreeCase& c : kStmtCases) {
    auto file = parseFile("foo.star", c.input);
    ASSERT_TRUE(file) << "input: " << c.input << ": " << file.error().message();
    ASSERT_FALSE((*file)->stmts.empty());
    EXPECT_EQ(treeString((*file)->stmts[0]), c.want) << "input: " << c.input;
  }
}

// go.starlark.net's TestFileParseTrees (all statements, one per line).
const TreeCase kFileCases[] = {
    {"x = 1\nprint(x)", "(AssignStmt Op== LHS=x RHS=1)\n(ExprStmt X=(CallExpr Fn=print Args=(x)))"},
    {"if cond:\n\tpass", "(IfStmt Cond=cond True=((BranchStmt Token=pass)))"},
    {"if cond:\n\tpass\nelse:\n\tpass",
     "(IfStmt Cond=cond True=((BranchStmt Token=pass)) False=((BranchStmt Token=pass)))"},
    {"def f():\n\tpass\npass\n\npass",
     "(DefStmt Name=f Body=((BranchStmt Token=pass)))\n(BranchStmt Token=pass)\n(BranchStmt "
     "Token=pass)"},
    {"pass; pass", "(BranchStmt Token=pass)\n(BranchStmt Token=pass)"},
    {"pass\npass", "(BranchStmt Token=pass)\n(BranchStmt Token=pass)"},
    {"pass\n\npass", "(BranchStmt Token=pass)\n(BranchStmt Token=pass)"},
    {"x = (1 +\n2)", "(AssignStmt Op== LHS=x RHS=(ParenExpr X=(BinaryExpr X=1 Op=+ Y=2)))"},
    {"x = 1 \\\n+ 2", "(AssignStmt Op== LHS=x RHS=(BinaryExpr X=1 Op=+ Y=2))"},
};

TEST(Parser, BuildsGoStarlarkFileTrees) {
  for (const TreeCase& c : kFileCases) {
    auto file = parseFile("foo.star", c.input);
    ASSERT_TRUE(file) << "input: " << c.input << ": " << file.error().message();
    std::string got;
    for (const Stmt* s : (*file)->stmts) {
      if (!got.empty()) got += '\n';
      got += treeString(s);
    }
    EXPECT_EQ(got, c.want) << "input: " << c.input;
  }
}

// go.starlark.net's TestCompoundStmt inputs, each a complete REPL chunk.
const TreeCase kReplCases[] = {
    {"\n", ""},
    {"   \n", ""},
    {"# comment\n", ""},
    {"1\n", "(ExprStmt X=1)"},
    {"print(1)\n", "(ExprStmt X=(CallExpr Fn=print Args=(1)))"},
    {"1;2;3;\n", "(ExprStmt X=1)(ExprStmt X=2)(ExprStmt X=3)"},
    {"f();g()\n", "(ExprStmt X=(CallExpr Fn=f))(ExprStmt X=(CallExpr Fn=g))"},
    {"f();\n", "(ExprStmt X=(CallExpr Fn=f))"},
    {"f(\n\n\n\n\n\n\n)\n", "(ExprStmt X=(CallExpr Fn=f))"},
    {"def f():\n  pass\n\n", "(DefStmt Name=f Body=((BranchStmt Token=pass)))"},
    {"if cond:\n  pass\n\n", "(IfStmt Cond=cond True=((BranchStmt Token=pass)))"},
    {"if cond: pass\n\n", "(IfStmt Cond=cond True=((BranchStmt Token=pass)))"},
    {"a; b; c\n", "(ExprStmt X=a)(ExprStmt X=b)(ExprStmt X=c)"},
};

TEST(Parser, ParsesCompleteReplChunks) {
  for (const TreeCase& c : kReplCases) {
    bool incomplete = true;
    auto file = parseRepl("foo.star", c.input, &incomplete);
    ASSERT_TRUE(file) << "input: " << c.input << ": " << file.error().message();
    EXPECT_FALSE(incomplete) << "input: " << c.input;
    std::string got;
    for (const Stmt* s : (*file)->stmts) got += treeString(s);
    EXPECT_EQ(got, c.want) << "input: " << c.input;
  }
}

TEST(Parser, ReportsIncompleteReplInput) {
  const char* incomplete_inputs[] = {
      "f(1,\n",       "x = [\n  1,\n",
      "def f():\n",   "def f():\n  pass\n",
      "if x: pass\n", "if x:\n  pass\nelse:\n",
      "s = '''abc\n", "s = 'abc\\\n",
      "x = 1 + \\\n", "for x in y:\n  if x:\n    pass\n",
  };
  for (const char* input : incomplete_inputs) {
    bool incomplete = false;
    (void)parseRepl("repl", input, &incomplete);
    EXPECT_TRUE(incomplete) << "input: " << input;
  }
  const char* complete_or_wrong[] = {
      "x = 1\n",    "x = 1 +\n", "f(1))\n",  "def f():\n  pass\n\n",
      "s = 'abc\n", "print(1)",  "a; b c\n",
  };
  for (const char* input : complete_or_wrong) {
    bool incomplete = true;
    (void)parseRepl("repl", input, &incomplete);
    EXPECT_FALSE(incomplete) << "input: " << input;
  }
}

TEST(Parser, RejectsTrailingInputAfterExpression) {
  auto file = parseExpr("e.star", "1 + 2 3");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message(), "e.star:1:8: got int literal after expression, want EOF");
  EXPECT_TRUE(parseExpr("e.star", "1, 2\n"));
}

TEST(Parser, ReportsErrorsAsFileLineColumnMessage) {
  auto file = parseFile("f.star", "x = 1 +\n2\n");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message(), "f.star:2:1: got newline, want primary expression");

  file = parseFile("f.star", "x = class");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message(), "f.star:1:10: got illegal token, want primary expression");

  file = parseFile("f.star", "x = b'abc'");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message(), "f.star:1:11: got bytes literal, want primary expression");
}

TEST(Parser, RecordsNodePositions) {
  auto file = parseFile("p.star", "def f(a, b=1):\n  return a.x[b](1) + -b\nz = [i for i in f]\n");
  ASSERT_TRUE(file) << file.error().message();
  auto* def = static_cast<DefStmt*>((*file)->stmts[0]);
  EXPECT_EQ(def->pos.str(), "p.star:1:1");
  EXPECT_EQ(def->name->pos.str(), "p.star:1:5");
  EXPECT_EQ(def->params[1]->pos.str(), "p.star:1:11");  // the '=' of b=1
  EXPECT_EQ(startPos(def->params[1]).str(), "p.star:1:10");
  auto* ret = static_cast<ReturnStmt*>(def->body[0]);
  EXPECT_EQ(ret->pos.str(), "p.star:2:3");
  auto* plus = static_cast<BinaryExpr*>(ret->result);
  EXPECT_EQ(plus->pos.str(), "p.star:2:20");
  EXPECT_EQ(startPos(plus).str(), "p.star:2:10");
  auto* call = static_cast<CallExpr*>(plus->x);
  EXPECT_EQ(call->pos.str(), "p.star:2:10");
  EXPECT_EQ(call->lparen.str(), "p.star:2:16");
  EXPECT_EQ(call->rparen.str(), "p.star:2:18");
  auto* index = static_cast<IndexExpr*>(call->fn);
  EXPECT_EQ(index->lbrack.str(), "p.star:2:13");
  auto* dot = static_cast<DotExpr*>(index->x);
  EXPECT_EQ(dot->dot.str(), "p.star:2:11");
  EXPECT_EQ(dot->name_pos.str(), "p.star:2:12");
  auto* assign = static_cast<AssignStmt*>((*file)->stmts[1]);
  EXPECT_EQ(assign->pos.str(), "p.star:3:3");
  auto* comp = static_cast<Comprehension*>(assign->rhs);
  EXPECT_EQ(comp->pos.str(), "p.star:3:5");
  EXPECT_EQ(comp->rbrack.str(), "p.star:3:18");
  EXPECT_EQ(comp->clauses[0]->pos.str(), "p.star:3:8");
}

TEST(Parser, DecodesLiteralsAndLoadNames) {
  auto file = parseFile("l.star",
                        "load('m.star', 'a', b = 'c')\n"
                        "x = 99999999999999999999 + 0x10 + 2.5 + 'q\\n'\n");
  ASSERT_TRUE(file) << file.error().message();
  auto* load = static_cast<LoadStmt*>((*file)->stmts[0]);
  EXPECT_EQ(load->module->string_value, "m.star");
  ASSERT_EQ(load->from.size(), 2u);
  EXPECT_EQ(load->from[0]->name, "a");
  EXPECT_EQ(load->to[0]->name, "a");
  EXPECT_EQ(load->to[0]->pos.str(), "l.star:1:17");
  EXPECT_EQ(load->from[1]->name, "c");
  EXPECT_EQ(load->to[1]->name, "b");
  EXPECT_EQ(load->rparen.str(), "l.star:1:28");

  auto* assign = static_cast<AssignStmt*>((*file)->stmts[1]);
  std::vector<Literal*> lits;
  Expr* e = assign->rhs;
  while (e->kind == NodeKind::kBinaryExpr) {
    lits.insert(lits.begin(), static_cast<Literal*>(static_cast<BinaryExpr*>(e)->y));
    e = static_cast<BinaryExpr*>(e)->x;
  }
  lits.insert(lits.begin(), static_cast<Literal*>(e));
  ASSERT_EQ(lits.size(), 4u);
  EXPECT_TRUE(lits[0]->is_big_int);
  EXPECT_EQ(lits[0]->string_value, "99999999999999999999");
  EXPECT_EQ(lits[0]->raw, "99999999999999999999");
  EXPECT_EQ(lits[1]->int_value, 16);
  EXPECT_EQ(lits[1]->raw, "0x10");
  EXPECT_EQ(lits[2]->token, Token::kFloat);
  EXPECT_DOUBLE_EQ(lits[2]->float_value, 2.5);
  EXPECT_EQ(lits[3]->string_value, "q\n");
}

TEST(Parser, RejectsExcessiveNestingWithoutCrashing) {
  std::string deep(100000, '[');
  auto file = parseFile("deep.star", deep);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message().find("nesting too deep"), std::string::npos);

  std::string unary(100000, '-');
  EXPECT_FALSE(parseFile("deep.star", "x = " + unary + "1\n"));

  std::string nots;
  for (int i = 0; i < 20000; ++i) nots += "not ";
  EXPECT_FALSE(parseFile("deep.star", "x = " + nots + "1\n"));

  std::string lambdas;
  for (int i = 0; i < 20000; ++i) lambdas += "lambda: ";
  EXPECT_FALSE(parseFile("deep.star", "x = " + lambdas + "1\n"));

  // A long operator chain builds a deep tree without deep parser recursion.
  std::string chain = "x = 1";
  for (int i = 0; i < 100000; ++i) chain += "+1";
  file = parseFile("chain.star", chain);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message().find("nesting too deep"), std::string::npos);

  // Only a statement of more nodes than the depth limit is walked: a deep one among small ones
  // is still found, and so is a deep single expression.
  file = parseFile("mixed.star", "a = 1\nb = [a]\n" + chain + "\nc = 2\n");
  ASSERT_FALSE(file);
  EXPECT_TRUE(file.error().message().starts_with("mixed.star:3:")) << file.error().message();
  EXPECT_NE(file.error().message().find("nesting too deep"), std::string::npos);
  auto expr = parseExpr("expr.star", chain.substr(4));
  ASSERT_FALSE(expr);
  EXPECT_NE(expr.error().message().find("nesting too deep"), std::string::npos);

  // Moderate nesting is fine.
  std::string long_chain = "x = 1";
  for (int i = 0; i < 900; ++i) long_chain += " + 1";
  EXPECT_TRUE(parseFile("chain.star", long_chain));
  std::string ok = "x = " + std::string(100, '(') + "1" + std::string(100, ')') + "\n";
  EXPECT_TRUE(parseFile("ok.star", ok));
}

TEST(Parser, PassesEveryChunkOfConformanceFileErrorsStar) {
  std::string path = std::string(STARLARK_TESTDATA) + "/syntax/testdata/errors.star";
  std::string read_error;
  auto chunks = testing::readChunks(path, &read_error);
  ASSERT_FALSE(chunks.empty()) << read_error;
  int passed = 0;
  for (const testing::Chunk& chunk : chunks) {
    std::vector<std::pair<int, std::string>> got;
    auto file = parseFile(path, chunk.source);
    if (!file) {
      int line = 0;
      std::string msg;
      ASSERT_TRUE(testing::splitPositionedMessage(file.error().message(), path, &line, &msg))
          << file.error().message();
      got.emplace_back(line, msg);
    }
    auto problems = testing::checkChunk(path, chunk, got);
    for (const std::string& p : problems) ADD_FAILURE() << p;
    if (problems.empty()) passed++;
  }
  EXPECT_EQ(passed, static_cast<int>(chunks.size()));
  std::printf("errors.star: %d of %zu chunks pass\n", passed, chunks.size());
}

}  // namespace
}  // namespace slant::starlark::syntax
