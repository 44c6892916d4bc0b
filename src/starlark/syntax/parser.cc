// The Starlark parser: recursive descent over the scanner's tokens, one token of lookahead.
//
// The grammar and the names of the productions follow go.starlark.net's syntax/parse.go (itself
// modelled on Python 2.7's LL(1) grammar), so that both can be read side by side and produce the
// same trees and the same error messages at the same positions. Binary operators are parsed by
// precedence climbing over ten levels, from `or` up to `* / // %`; comparisons do not associate
// (`a < b < c` is an error). Unary - + ~ bind tighter than any binary operator but looser than
// the suffixes . [] (). `not in` arrives as NOT followed by IN and is folded into one operator.
//
// Errors. Like Go's parser, this one stops at the first error: it throws a SyntaxError, which
// the entry points below catch and turn into an Error "file:line:col: message", so no exception
// leaves this file. Most messages name the scanner's position, which is just past the lookahead
// token (this is what go.starlark.net reports, and what its conformance tests expect).
//
// Checks that Go leaves to the resolver (argument order, parameter order, load placement, what
// may be assigned to) are left to the resolver here too.
#include "starlark/syntax/parser.h"

#include <span>
#include <utility>

#include "starlark/syntax/scanner.h"

namespace slant::starlark::syntax {

namespace {

// Deeper nesting than this (brackets, unary operators, lambdas, blocks) is rejected rather than
// risking a stack overflow in the parser, the resolver or the evaluator.
constexpr int kMaxNesting = 500;

// The depth of the syntax tree is bounded too; see checkTreeDepth.
constexpr int kMaxTreeDepth = 1000;

void checkTreeDepth(std::span<Node* const> stmts);

int precedence(Token t) {
  switch (t) {
    case Token::kOr:
      return 0;
    case Token::kAnd:
      return 1;
    case Token::kNot:
      return 2;
    case Token::kEql:
    case Token::kNeq:
    case Token::kLt:
    case Token::kGt:
    case Token::kLe:
    case Token::kGe:
    case Token::kIn:
    case Token::kNotIn:
      return 3;
    case Token::kPipe:
      return 4;
    case Token::kCircumflex:
      return 5;
    case Token::kAmp:
      return 6;
    case Token::kLtLt:
    case Token::kGtGt:
      return 7;
    case Token::kMinus:
    case Token::kPlus:
      return 8;
    case Token::kStar:
    case Token::kPercent:
    case Token::kSlash:
    case Token::kSlashSlash:
      return 9;
    default:
      return -1;
  }
}
constexpr int kNumPrecLevels = 10;
constexpr int kNotPrec = 2;
constexpr int kComparisonPrec = 3;

bool terminatesExprList(Token t) {
  switch (t) {
    case Token::kEof:
    case Token::kNewline:
    case Token::kEq:
    case Token::kRBrace:
    case Token::kRBrack:
    case Token::kRParen:
    case Token::kSemi:
      return true;
    default:
      return false;
  }
}

class Parser {
 public:
  /// Parses file.source.
  explicit Parser(File& file) : file_(file), in_(&file.path, file.source) {}

  // Advances to the next token and returns the position of the previous one.
  Position nextToken() {
    Position old = val_.pos;
    tok_ = in_.next(val_);
    return old;
  }

  // file_input = (NEWLINE | stmt)* EOF
  std::span<Stmt*> parseFile() {
    std::size_t list = pending_.size();
    while (tok_ != Token::kEof) {
      if (tok_ == Token::kNewline) {
        nextToken();
        continue;
      }
      std::size_t first = pending_.size();
      std::size_t made = nodes_made_;
      parseStmt();
      // A tree is no deeper than it has nodes: only a statement of many nodes is walked.
      if (nodes_made_ - made > kMaxTreeDepth) {
        checkTreeDepth(std::span(pending_).subspan(first));
      }
    }
    return takeList<Stmt>(list);
  }

  // A whole input holding one expression (a tuple if unparenthesized commas appear), as the
  // statement `stmt`.
  void parseWholeExpr(ExprStmt* stmt) {
    Expr* x = parseExpr(false);
    if (tok_ == Token::kNewline) nextToken();
    if (tok_ != Token::kEof) {
      fail(in_.pos(), "got " + tokenGoString(tok_) + " after expression, want EOF");
    }
    stmt->pos = startPos(x);
    stmt->x = x;
    Node* whole = stmt;
    if (nodes_made_ + 1 > kMaxTreeDepth) checkTreeDepth(std::span(&whole, 1));
  }

 private:
  // Counts nesting depth for the lifetime of a recursive production.
  class NestGuard {
   public:
    explicit NestGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxNesting) p_.fail(p_.in_.pos(), "nesting too deep");
    }
    ~NestGuard() { --p_.depth_; }
    NestGuard(const NestGuard&) = delete;
    NestGuard& operator=(const NestGuard&) = delete;

   private:
    Parser& p_;
  };

  [[noreturn]] void fail(Position pos, std::string msg) {
    throw SyntaxError{pos, std::move(msg), tok_ == Token::kEof};
  }

  template <class T>
  T* make(Position pos) {
    ++nodes_made_;
    T* n = file_.arena.make<T>();
    n->pos = pos;
    return n;
  }

  // A copy of a scanned text in the arena (the scanner reuses its buffer for the next token).
  std::string_view keep(const std::string& text) {
    std::span<char> chars = file_.arena.copyArray(std::span<const char>(text));
    return {chars.data(), chars.size()};
  }

  // The elements of a list being parsed wait on pending_ (nested lists above them) until the
  // list is complete; then they move to an arena array of exactly their number. `list` is
  // where the list's elements begin on pending_.
  template <class T>
  std::span<T*> takeList(std::size_t list) {
    std::span<T*> out = file_.arena.makeArray<T*>(pending_.size() - list);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T*>(pending_[list + i]);
    pending_.resize(list);
    return out;
  }

  // Parses a statement onto pending_ (a simple one may be several: `a = 1; b = 2`).
  void parseStmt() {
    switch (tok_) {
      case Token::kDef:
        pending_.push_back(parseDefStmt());
        return;
      case Token::kIf:
        pending_.push_back(parseIfStmt());
        return;
      case Token::kFor:
        pending_.push_back(parseForStmt());
        return;
      case Token::kWhile:
        pending_.push_back(parseWhileStmt());
        return;
      default:
        parseSimpleStmt(true);
    }
  }

  Stmt* parseDefStmt() {
    auto* def = make<DefStmt>(nextToken());
    def->name = parseIdent();
    consume(Token::kLParen);
    def->params = parseParams();
    consume(Token::kRParen);
    consume(Token::kColon);
    def->body = parseSuite();
    return def;
  }

  Stmt* parseIfStmt() {
    auto* if_stmt = make<IfStmt>(nextToken());
    if_stmt->cond = parseTest();
    consume(Token::kColon);
    if_stmt->then_body = parseSuite();
    IfStmt* tail = if_stmt;
    while (tok_ == Token::kElif) {
      Position elif_pos = nextToken();
      auto* elif = make<IfStmt>(elif_pos);
      elif->cond = parseTest();
      consume(Token::kColon);
      elif->then_body = parseSuite();
      tail->else_pos = elif_pos;
      tail->else_body = file_.arena.makeArray<Stmt*>(1);
      tail->else_body[0] = elif;
      tail = elif;
    }
    if (tok_ == Token::kElse) {
      tail->else_pos = nextToken();
      consume(Token::kColon);
      tail->else_body = parseSuite();
    }
    return if_stmt;
  }

  Stmt* parseForStmt() {
    auto* for_stmt = make<ForStmt>(nextToken());
    for_stmt->vars = parseForLoopVariables();
    consume(Token::kIn);
    for_stmt->x = parseExpr(false);
    consume(Token::kColon);
    for_stmt->body = parseSuite();
    return for_stmt;
  }

  Stmt* parseWhileStmt() {
    auto* while_stmt = make<WhileStmt>(nextToken());
    while_stmt->cond = parseTest();
    consume(Token::kColon);
    while_stmt->body = parseSuite();
    return while_stmt;
  }

  // loop_variables = primary_with_suffix (COMMA primary_with_suffix)* COMMA?
  // (Not parseExpr, which would swallow the IN of "for x in y".)
  Expr* parseForLoopVariables() {
    Expr* v = parsePrimaryWithSuffix();
    if (tok_ != Token::kComma) return v;
    auto* tuple = make<TupleExpr>(startPos(v));
    std::size_t list = pending_.size();
    pending_.push_back(v);
    while (tok_ == Token::kComma) {
      nextToken();
      if (terminatesExprList(tok_)) break;
      pending_.push_back(parsePrimaryWithSuffix());
    }
    tuple->list = takeList<Expr>(list);
    return tuple;
  }

  // simple_stmt = small_stmt (SEMI small_stmt)* SEMI? NEWLINE, onto pending_
  void parseSimpleStmt(bool consume_newline) {
    for (;;) {
      pending_.push_back(parseSmallStmt());
      if (tok_ != Token::kSemi) break;
      nextToken();
      if (tok_ == Token::kNewline || tok_ == Token::kEof) break;
    }
    // EOF without NEWLINE occurs in `if x: pass`, for example.
    if (tok_ != Token::kEof && consume_newline) consume(Token::kNewline);
  }

  // small_stmt = RETURN expr? | PASS | BREAK | CONTINUE | LOAD ... | expr (assign_op expr)?
  Stmt* parseSmallStmt() {
    switch (tok_) {
      case Token::kReturn: {
        auto* ret = make<ReturnStmt>(nextToken());
        if (tok_ != Token::kEof && tok_ != Token::kNewline && tok_ != Token::kSemi) {
          ret->result = parseExpr(false);
        }
        return ret;
      }
      case Token::kBreak:
      case Token::kContinue:
      case Token::kPass: {
        Token t = tok_;
        auto* branch = make<BranchStmt>(nextToken());
        branch->token = t;
        return branch;
      }
      case Token::kLoad:
        return parseLoadStmt();
      default:
        break;
    }

    Expr* x = parseExpr(false);
    switch (tok_) {
      case Token::kEq:
      case Token::kPlusEq:
      case Token::kMinusEq:
      case Token::kStarEq:
      case Token::kSlashEq:
      case Token::kSlashSlashEq:
      case Token::kPercentEq:
      case Token::kAmpEq:
      case Token::kPipeEq:
      case Token::kCircumflexEq:
      case Token::kLtLtEq:
      case Token::kGtGtEq: {
        Token op = tok_;
        auto* assign = make<AssignStmt>(nextToken());
        assign->op = op;
        assign->lhs = x;
        assign->rhs = parseExpr(false);
        return assign;
      }
      default:
        break;
    }
    auto* stmt = make<ExprStmt>(startPos(x));
    stmt->x = x;
    return stmt;
  }

  // Makes the Ident for a name given as a string literal in a load statement; Go places it one
  // column after the literal's start.
  Ident* loadNameFromLiteral(const Literal* lit) {
    Position pos = lit->pos;
    pos.col++;
    auto* id = make<Ident>(pos);
    id->name = lit->string_value;
    return id;
  }

  // load_stmt = LOAD '(' STRING {',' (IDENT '=')? STRING} [','] ')'
  Stmt* parseLoadStmt() {
    auto* load = make<LoadStmt>(nextToken());
    // Each name's pair waits on pending_: its local name (`to`), then its name in the module.
    std::size_t pairs = pending_.size();
    Position lparen = consume(Token::kLParen);
    if (tok_ != Token::kString) {
      fail(in_.pos(), "first operand of load statement must be a string literal");
    }
    load->module = static_cast<Literal*>(parsePrimary());

    while (tok_ != Token::kRParen && tok_ != Token::kEof) {
      consume(Token::kComma);
      if (tok_ == Token::kRParen) break;  // trailing comma
      switch (tok_) {
        case Token::kString: {
          // load("module", "id"): the local name is the original name.
          auto* lit = static_cast<Literal*>(parsePrimary());
          pending_.push_back(loadNameFromLiteral(lit));
          pending_.push_back(loadNameFromLiteral(lit));
          break;
        }
        case Token::kIdent: {
          // load("module", to="from")
          Ident* id = parseIdent();
          pending_.push_back(id);
          if (tok_ != Token::kEq) {
            std::string name(id->name);
            fail(in_.pos(), "load operand must be \"" + name + "\" or " + name +
                                "=\"originalname\" (want '=' after " + name + ")");
          }
          consume(Token::kEq);
          if (tok_ != Token::kString) {
            fail(in_.pos(), "original name of loaded symbol must be quoted: " +
                                std::string(id->name) + "=\"originalname\"");
          }
          pending_.push_back(loadNameFromLiteral(static_cast<Literal*>(parsePrimary())));
          break;
        }
        case Token::kRParen:
          fail(in_.pos(), "trailing comma in load statement");
        default:
          fail(in_.pos(), "load operand must be \"name\" or localname=\"name\" (got " +
                              tokenGoString(tok_) + ")");
      }
    }
    load->rparen = consume(Token::kRParen);
    std::size_t n = (pending_.size() - pairs) / 2;
    if (n == 0) fail(lparen, "load statement must import at least 1 symbol");
    load->to = file_.arena.makeArray<Ident*>(n);
    load->from = file_.arena.makeArray<Ident*>(n);
    for (std::size_t i = 0; i < n; ++i) {
      load->to[i] = static_cast<Ident*>(pending_[pairs + 2 * i]);
      load->from[i] = static_cast<Ident*>(pending_[pairs + 2 * i + 1]);
    }
    pending_.resize(pairs);
    return load;
  }

  // suite = simple_stmt | NEWLINE INDENT stmt+ OUTDENT
  std::span<Stmt*> parseSuite() {
    NestGuard guard(*this);
    std::size_t list = pending_.size();
    if (tok_ == Token::kNewline) {
      nextToken();
      consume(Token::kIndent);
      while (tok_ != Token::kOutdent && tok_ != Token::kEof) parseStmt();
      consume(Token::kOutdent);
    } else {
      parseSimpleStmt(true);
    }
    return takeList<Stmt>(list);
  }

  Ident* parseIdent() {
    if (tok_ != Token::kIdent) fail(in_.pos(), "not an identifier");
    auto* id = make<Ident>(val_.pos);
    id->name = val_.raw;
    nextToken();
    return id;
  }

  Position consume(Token t) {
    if (tok_ != t) fail(in_.pos(), "got " + tokenGoString(tok_) + ", want " + tokenGoString(t));
    return nextToken();
  }

  // params = (param COMMA)* param COMMA?
  // param = IDENT | IDENT EQ test | STAR | STAR IDENT | STARSTAR IDENT
  // The order of parameters is checked by the resolver.
  std::span<Expr*> parseParams() {
    std::size_t list = pending_.size();
    while (tok_ != Token::kRParen && tok_ != Token::kColon && tok_ != Token::kEof) {
      if (pending_.size() > list) consume(Token::kComma);
      if (tok_ == Token::kRParen) break;

      if (tok_ == Token::kStar || tok_ == Token::kStarStar) {
        Token op = tok_;
        auto* unary = make<UnaryExpr>(nextToken());
        unary->op = op;
        if (op == Token::kStarStar || tok_ == Token::kIdent) unary->x = parseIdent();
        pending_.push_back(unary);
        continue;
      }

      Ident* id = parseIdent();
      if (tok_ == Token::kEq) {
        auto* binary = make<BinaryExpr>(nextToken());
        binary->op = Token::kEq;
        binary->x = id;
        binary->y = parseTest();
        pending_.push_back(binary);
        continue;
      }
      pending_.push_back(id);
    }
    return takeList<Expr>(list);
  }

  // Parses an expression, possibly a comma-separated tuple of 'test' expressions.
  Expr* parseExpr(bool in_parens) {
    Expr* x = parseTest();
    if (tok_ != Token::kComma) return x;
    auto* tuple = make<TupleExpr>(startPos(x));
    tuple->list = parseExprs(x, in_parens);
    return tuple;
  }

  // expr_list = (',' expr)* ','?, after its first expression
  std::span<Expr*> parseExprs(Expr* first, bool allow_trailing_comma) {
    std::size_t list = pending_.size();
    pending_.push_back(first);
    while (tok_ == Token::kComma) {
      Position comma = nextToken();
      if (terminatesExprList(tok_)) {
        if (!allow_trailing_comma) fail(comma, "unparenthesized tuple with trailing comma");
        break;
      }
      pending_.push_back(parseTest());
    }
    return takeList<Expr>(list);
  }

  // test = lambda | or_expr (IF or_expr ELSE test)?
  Expr* parseTest() {
    NestGuard guard(*this);
    if (tok_ == Token::kLambda) return parseLambda(true);
    Expr* x = parseTestPrec(0);
    if (tok_ == Token::kIf) {
      Position if_pos = nextToken();
      Expr* cond = parseTestPrec(0);
      if (tok_ != Token::kElse) fail(if_pos, "conditional expression without else clause");
      auto* cond_expr = make<CondExpr>(startPos(x));
      cond_expr->else_pos = nextToken();
      cond_expr->cond = cond;
      cond_expr->true_expr = x;
      cond_expr->false_expr = parseTest();
      return cond_expr;
    }
    return x;
  }

  // As parseTest, without a trailing 'if cond else x' (the operand of a comprehension's if).
  Expr* parseTestNoCond() {
    NestGuard guard(*this);
    if (tok_ == Token::kLambda) return parseLambda(false);
    return parseTestPrec(0);
  }

  Expr* parseLambda(bool allow_cond) {
    auto* lambda = make<LambdaExpr>(nextToken());
    if (tok_ != Token::kColon) lambda->params = parseParams();
    consume(Token::kColon);
    lambda->body = allow_cond ? parseTest() : parseTestNoCond();
    return lambda;
  }

  // Parses an expression whose binary operators all have precedence >= prec (prec 10: just a
  // primary with suffixes). Go's parser recurses once per precedence level before reaching an
  // operand; this one parses the operand first and then climbs, which accepts the same language
  // with the same errors at a fraction of the calls.
  Expr* parseTestPrec(int prec) {
    if (prec >= kNumPrecLevels) return parsePrimaryWithSuffix();
    Expr* x;
    if (tok_ == Token::kNot && prec <= kNotPrec) {
      NestGuard guard(*this);
      auto* unary = make<UnaryExpr>(nextToken());
      unary->op = Token::kNot;
      unary->x = parseTestPrec(kNotPrec);
      x = unary;
    } else {
      x = parsePrimaryWithSuffix();
    }
    return parseBinopSuffix(x, prec);
  }

  // Applies binary operators of precedence >= prec to the operand x (precedence climbing).
  // Operators associate to the left, except comparisons, which do not associate at all.
  Expr* parseBinopSuffix(Expr* x, int prec) {
    bool after_comparison = false;
    for (;;) {
      if (tok_ == Token::kNot) {
        // Here NOT must be followed by IN; the pair becomes one NOT_IN operator.
        nextToken();
        if (tok_ != Token::kIn) fail(in_.pos(), "got " + tokenGoString(tok_) + ", want in");
        tok_ = Token::kNotIn;
      }
      int op_prec = precedence(tok_);
      if (op_prec < prec) return x;
      if (after_comparison && op_prec == kComparisonPrec) {
        fail(in_.pos(), std::string(tokenString(static_cast<BinaryExpr*>(x)->op)) +
                            " does not associate with " + std::string(tokenString(tok_)) +
                            " (use parens)");
      }
      Token op = tok_;
      auto* binary = make<BinaryExpr>(nextToken());
      binary->op = op;
      binary->x = x;
      binary->y = parseTestPrec(op_prec + 1);
      x = binary;
      after_comparison = op_prec == kComparisonPrec;
    }
  }

  // primary_with_suffix = primary ('.' IDENT | slice_suffix | call_suffix)*
  Expr* parsePrimaryWithSuffix() {
    Expr* x = parsePrimary();
    for (;;) {
      switch (tok_) {
        case Token::kDot: {
          auto* dot = make<DotExpr>(startPos(x));
          dot->dot = nextToken();
          dot->x = x;
          dot->name = parseIdent();
          dot->name_pos = dot->name->pos;
          x = dot;
          break;
        }
        case Token::kLBrack:
          x = parseSliceSuffix(x);
          break;
        case Token::kLParen:
          x = parseCallSuffix(x);
          break;
        default:
          return x;
      }
    }
  }

  // slice_suffix = '[' expr? ':' expr?  ':' expr? ']'
  Expr* parseSliceSuffix(Expr* x) {
    Position lbrack = nextToken();
    Expr* lo = nullptr;
    if (tok_ != Token::kColon) {
      Expr* y = parseExpr(false);
      if (tok_ == Token::kRBrack) {
        auto* index = make<IndexExpr>(startPos(x));
        index->x = x;
        index->lbrack = lbrack;
        index->y = y;
        index->rbrack = nextToken();
        return index;
      }
      lo = y;
    }
    auto* slice = make<SliceExpr>(startPos(x));
    slice->x = x;
    slice->lbrack = lbrack;
    slice->lo = lo;
    if (tok_ == Token::kColon) {
      nextToken();
      if (tok_ != Token::kColon && tok_ != Token::kRBrack) slice->hi = parseTest();
    }
    if (tok_ == Token::kColon) {
      nextToken();
      if (tok_ != Token::kRBrack) slice->step = parseTest();
    }
    slice->rbrack = consume(Token::kRBrack);
    return slice;
  }

  // call_suffix = '(' arg_list? ')'
  Expr* parseCallSuffix(Expr* fn) {
    auto* call = make<CallExpr>(startPos(fn));
    call->fn = fn;
    call->lparen = consume(Token::kLParen);
    if (tok_ == Token::kRParen) {
      call->rparen = nextToken();
    } else {
      call->args = parseArgs();
      call->rparen = consume(Token::kRParen);
    }
    return call;
  }

  // arg_list = ((arg COMMA)* arg COMMA?)?; mirrors parseParams.
  std::span<Expr*> parseArgs() {
    std::size_t list = pending_.size();
    while (tok_ != Token::kRParen && tok_ != Token::kEof) {
      if (pending_.size() > list) consume(Token::kComma);
      if (tok_ == Token::kRParen) break;

      if (tok_ == Token::kStar || tok_ == Token::kStarStar) {
        Token op = tok_;
        auto* unary = make<UnaryExpr>(nextToken());
        unary->op = op;
        unary->x = parseTest();
        pending_.push_back(unary);
        continue;
      }

      // To stay LL(1), parse 'test = test' and then check that the first is an identifier.
      Expr* x = parseTest();
      if (tok_ == Token::kEq) {
        if (x->kind != NodeKind::kIdent) {
          fail(in_.pos(), "keyword argument must have form name=expr");
        }
        auto* binary = make<BinaryExpr>(nextToken());
        binary->op = Token::kEq;
        binary->x = x;
        binary->y = parseTest();
        x = binary;
      }
      pending_.push_back(x);
    }
    return takeList<Expr>(list);
  }

  // primary = IDENT | INT | FLOAT | STRING | '[' ... | '{' ... | '(' ...
  //         | ('-'|'+'|'~') primary_with_suffix
  Expr* parsePrimary() {
    switch (tok_) {
      case Token::kIdent:
        return parseIdent();

      case Token::kInt:
      case Token::kFloat:
      case Token::kString: {
        auto* lit = make<Literal>(val_.pos);
        lit->token = tok_;
        lit->raw = val_.raw;
        if (tok_ == Token::kInt) {
          lit->int_value = val_.int_value;
          lit->is_big_int = val_.is_big_int;
          if (val_.is_big_int) lit->string_value = keep(val_.string_value);
        } else if (tok_ == Token::kFloat) {
          lit->float_value = val_.float_value;
        } else {
          lit->string_value = keep(val_.string_value);
        }
        nextToken();
        return lit;
      }

      case Token::kLBrack: {
        NestGuard guard(*this);
        return parseList();
      }

      case Token::kLBrace: {
        NestGuard guard(*this);
        return parseDict();
      }

      case Token::kLParen: {
        NestGuard guard(*this);
        Position lparen = nextToken();
        if (tok_ == Token::kRParen) {
          auto* tuple = make<TupleExpr>(lparen);
          tuple->parenthesized = true;
          tuple->rparen = nextToken();
          return tuple;
        }
        auto* paren = make<ParenExpr>(lparen);
        paren->x = parseExpr(true);  // a trailing comma is allowed
        paren->rparen = consume(Token::kRParen);
        return paren;
      }

      case Token::kMinus:
      case Token::kPlus:
      case Token::kTilde: {
        NestGuard guard(*this);
        Token op = tok_;
        auto* unary = make<UnaryExpr>(nextToken());
        unary->op = op;
        unary->x = parsePrimaryWithSuffix();
        return unary;
      }

      default:
        fail(in_.pos(), "got " + tokenGoString(tok_) + ", want primary expression");
    }
  }

  // list = '[' ']' | '[' expr expr_list? ']' | '[' expr (FOR loop_variables IN expr)+ ']'
  Expr* parseList() {
    Position lbrack = nextToken();
    if (tok_ == Token::kRBrack) {
      auto* list = make<ListExpr>(lbrack);
      list->rbrack = nextToken();
      return list;
    }
    Expr* x = parseTest();
    if (tok_ == Token::kFor) return parseComprehensionSuffix(lbrack, x, Token::kRBrack);
    auto* list = make<ListExpr>(lbrack);
    list->list = parseExprs(x, true);
    list->rbrack = consume(Token::kRBrack);
    return list;
  }

  // dict = '{' '}' | '{' dict_entry_list '}' | '{' dict_entry FOR loop_variables IN expr '}'
  Expr* parseDict() {
    Position lbrace = nextToken();
    if (tok_ == Token::kRBrace) {
      auto* dict = make<DictExpr>(lbrace);
      dict->rbrace = nextToken();
      return dict;
    }
    DictEntry* x = parseDictEntry();
    if (tok_ == Token::kFor) return parseComprehensionSuffix(lbrace, x, Token::kRBrace);
    auto* dict = make<DictExpr>(lbrace);
    std::size_t list = pending_.size();
    pending_.push_back(x);
    while (tok_ == Token::kComma) {
      nextToken();
      if (tok_ == Token::kRBrace) break;
      pending_.push_back(parseDictEntry());
    }
    dict->list = takeList<DictEntry>(list);
    dict->rbrace = consume(Token::kRBrace);
    return dict;
  }

  // dict_entry = test ':' test
  DictEntry* parseDictEntry() {
    Expr* key = parseTest();
    auto* entry = make<DictEntry>(startPos(key));
    entry->key = key;
    entry->colon = consume(Token::kColon);
    entry->value = parseTest();
    return entry;
  }

  // comp_suffix = FOR loopvars IN expr comp_suffix | IF expr comp_suffix | ']' or '}'
  Expr* parseComprehensionSuffix(Position lbrack, Expr* body, Token end) {
    auto* comp = make<Comprehension>(lbrack);
    comp->curly = end == Token::kRBrace;
    comp->body = body;
    std::size_t list = pending_.size();
    while (tok_ != end) {
      if (tok_ == Token::kFor) {
        auto* clause = make<ForClause>(nextToken());
        clause->vars = parseForLoopVariables();
        clause->in = consume(Token::kIn);
        // Following Python 3, the operand of IN may not be a conditional expression, a lambda,
        // or an unparenthesized tuple.
        clause->x = parseTestPrec(0);
        pending_.push_back(clause);
      } else if (tok_ == Token::kIf) {
        auto* clause = make<IfClause>(nextToken());
        clause->cond = parseTestNoCond();
        pending_.push_back(clause);
      } else {
        fail(in_.pos(), "got " + tokenGoString(tok_) + ", want '" + std::string(tokenString(end)) +
                            "', for, or if");
      }
    }
    comp->clauses = takeList<Node>(list);
    comp->rbrack = nextToken();
    return comp;
  }

  File& file_;
  Scanner in_;
  Token tok_ = Token::kIllegal;
  TokenValue val_;
  int depth_ = 0;
  std::size_t nodes_made_ = 0;
  std::vector<Node*> pending_;  // see takeList
};

// Calls f on each child of n (null children are skipped).
template <class F>
void forEachChild(const Node* n, F&& f) {
  auto one = [&](const Node* c) {
    if (c != nullptr) f(c);
  };
  auto all = [&](const auto& v) {
    for (const Node* c : v) one(c);
  };
  switch (n->kind) {
    case NodeKind::kAssignStmt:
      one(static_cast<const AssignStmt*>(n)->lhs);
      one(static_cast<const AssignStmt*>(n)->rhs);
      break;
    case NodeKind::kBranchStmt:
    case NodeKind::kIdent:
    case NodeKind::kLiteral:
      break;
    case NodeKind::kDefStmt:
      all(static_cast<const DefStmt*>(n)->params);
      all(static_cast<const DefStmt*>(n)->body);
      break;
    case NodeKind::kExprStmt:
      one(static_cast<const ExprStmt*>(n)->x);
      break;
    case NodeKind::kForStmt:
      one(static_cast<const ForStmt*>(n)->vars);
      one(static_cast<const ForStmt*>(n)->x);
      all(static_cast<const ForStmt*>(n)->body);
      break;
    case NodeKind::kWhileStmt:
      one(static_cast<const WhileStmt*>(n)->cond);
      all(static_cast<const WhileStmt*>(n)->body);
      break;
    case NodeKind::kIfStmt:
      one(static_cast<const IfStmt*>(n)->cond);
      all(static_cast<const IfStmt*>(n)->then_body);
      all(static_cast<const IfStmt*>(n)->else_body);
      break;
    case NodeKind::kLoadStmt:
      break;
    case NodeKind::kReturnStmt:
      one(static_cast<const ReturnStmt*>(n)->result);
      break;
    case NodeKind::kBinaryExpr:
      one(static_cast<const BinaryExpr*>(n)->x);
      one(static_cast<const BinaryExpr*>(n)->y);
      break;
    case NodeKind::kCallExpr:
      one(static_cast<const CallExpr*>(n)->fn);
      all(static_cast<const CallExpr*>(n)->args);
      break;
    case NodeKind::kComprehension:
      one(static_cast<const Comprehension*>(n)->body);
      all(static_cast<const Comprehension*>(n)->clauses);
      break;
    case NodeKind::kCondExpr:
      one(static_cast<const CondExpr*>(n)->cond);
      one(static_cast<const CondExpr*>(n)->true_expr);
      one(static_cast<const CondExpr*>(n)->false_expr);
      break;
    case NodeKind::kDictEntry:
      one(static_cast<const DictEntry*>(n)->key);
      one(static_cast<const DictEntry*>(n)->value);
      break;
    case NodeKind::kDictExpr:
      all(static_cast<const DictExpr*>(n)->list);
      break;
    case NodeKind::kDotExpr:
      one(static_cast<const DotExpr*>(n)->x);
      break;
    case NodeKind::kIndexExpr:
      one(static_cast<const IndexExpr*>(n)->x);
      one(static_cast<const IndexExpr*>(n)->y);
      break;
    case NodeKind::kLambdaExpr:
      all(static_cast<const LambdaExpr*>(n)->params);
      one(static_cast<const LambdaExpr*>(n)->body);
      break;
    case NodeKind::kListExpr:
      all(static_cast<const ListExpr*>(n)->list);
      break;
    case NodeKind::kParenExpr:
      one(static_cast<const ParenExpr*>(n)->x);
      break;
    case NodeKind::kSliceExpr:
      one(static_cast<const SliceExpr*>(n)->x);
      one(static_cast<const SliceExpr*>(n)->lo);
      one(static_cast<const SliceExpr*>(n)->hi);
      one(static_cast<const SliceExpr*>(n)->step);
      break;
    case NodeKind::kTupleExpr:
      all(static_cast<const TupleExpr*>(n)->list);
      break;
    case NodeKind::kUnaryExpr:
      one(static_cast<const UnaryExpr*>(n)->x);
      break;
    case NodeKind::kForClause:
      one(static_cast<const ForClause*>(n)->vars);
      one(static_cast<const ForClause*>(n)->x);
      break;
    case NodeKind::kIfClause:
      one(static_cast<const IfClause*>(n)->cond);
      break;
  }
}

// Rejects a tree deeper than kMaxTreeDepth. The parser's own recursion is bounded by
// kMaxNesting, but a long chain of binary operators (1+1+...+1) builds a left-deep tree without
// recursing; the resolver and the evaluator walk trees recursively, so the depth is bounded here,
// with an explicit stack.
void checkTreeDepth(std::span<Node* const> stmts) {
  std::vector<std::pair<const Node*, int>> stack;
  for (const Node* s : stmts) stack.emplace_back(s, 1);
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    if (depth > kMaxTreeDepth) throw SyntaxError{startPos(n), "nesting too deep", false};
    forEachChild(n, [&, d = depth](const Node* c) { stack.emplace_back(c, d + 1); });
  }
}

std::unique_ptr<File> newFile(std::string path, std::string_view source) {
  auto file = std::make_unique<File>();
  file->path = std::move(path);
  file->source = source;
  return file;
}

bool isCompound(const Stmt* s) {
  return s->kind == NodeKind::kDefStmt || s->kind == NodeKind::kIfStmt ||
         s->kind == NodeKind::kForStmt || s->kind == NodeKind::kWhileStmt;
}

// Whether the source ends with a blank line, which closes a compound statement in the REPL.
bool endsWithBlankLine(std::string_view s) {
  auto trimBlanks = [&] {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
      s.remove_suffix(1);
    }
  };
  trimBlanks();
  if (s.empty() || s.back() != '\n') return false;
  s.remove_suffix(1);
  trimBlanks();
  return s.empty() || s.back() == '\n';
}

}  // namespace

Result<std::unique_ptr<File>> parseFile(std::string path, std::string_view source) {
  auto file = newFile(std::move(path), source);
  try {
    Parser p(*file);
    p.nextToken();
    file->stmts = p.parseFile();
  } catch (const SyntaxError& e) {
    return makeError(e.str());
  }
  return file;
}

Result<std::unique_ptr<File>> parseExpr(std::string path, std::string_view source) {
  auto file = newFile(std::move(path), source);
  try {
    Parser p(*file);
    p.nextToken();
    auto* stmt = file->arena.make<ExprStmt>();
    p.parseWholeExpr(stmt);
    file->stmts = file->arena.makeArray<Stmt*>(1);
    file->stmts[0] = stmt;
  } catch (const SyntaxError& e) {
    return makeError(e.str());
  }
  return file;
}

Result<std::unique_ptr<File>> parseRepl(std::string path, std::string_view source,
                                        bool* incomplete) {
  *incomplete = false;
  auto file = newFile(std::move(path), source);
  try {
    Parser p(*file);
    p.nextToken();
    file->stmts = p.parseFile();
  } catch (const SyntaxError& e) {
    *incomplete = e.at_eof;
    return makeError(e.str());
  }
  // As in Python's REPL, a compound statement (even a one-line `if x: pass`) is finished only
  // by a blank line.
  if (!file->stmts.empty() && isCompound(file->stmts.back()) && !endsWithBlankLine(source)) {
    *incomplete = true;
  }
  return file;
}

}  // namespace slant::starlark::syntax
