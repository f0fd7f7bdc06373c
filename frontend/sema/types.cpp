#include "frontend/sema/types.h"

#include <cctype>

#include "base/check.h"

namespace licit::sema {

Type Type::SetOf(Type element) {
  Type t(TypeKind::Set);
  t.element_ = std::make_shared<const Type>(std::move(element));
  return t;
}

Type Type::ListOf(Type element) {
  Type t(TypeKind::List);
  t.element_ = std::make_shared<const Type>(std::move(element));
  return t;
}

Type Type::RecordOf(const RecordType* record) {
  if (record == nullptr) return Type::Error();
  Type t(TypeKind::Record);
  t.record_ = record;
  return t;
}

Type Type::element() const { return element_ ? *element_ : Type::Error(); }

bool Type::contains_error() const {
  // Nesting of set/list types is bounded by the parser's depth cap, so recursion is safe.
  if (kind_ == TypeKind::Error) return true;
  if (element_) return element_->contains_error();
  return false;
}

bool Type::operator==(const Type& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case TypeKind::Set:
    case TypeKind::List: return element() == other.element();
    case TypeKind::Record: return record_ == other.record_;
    default: return true;
  }
}

std::string Type::ToString() const {
  switch (kind_) {
    case TypeKind::Error: return "{unknown}";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Decimal: return "decimal";
    case TypeKind::String: return "string";
    case TypeKind::Date: return "date";
    case TypeKind::Country: return "country";
    case TypeKind::Money: return "money";
    case TypeKind::Code: return "code";
    case TypeKind::Group: return "group";
    case TypeKind::PartyList: return "party list";
    case TypeKind::Set:
      return element_ && !element_->is_error() ? "set<" + element_->ToString() + ">" : "set";
    case TypeKind::List:
      return element_ && !element_->is_error() ? "list<" + element_->ToString() + ">" : "list";
    case TypeKind::Record: return record_ ? record_->name : "record";
  }
  LICIT_UNREACHABLE("a TypeKind outside the enum");
}

const RecordField* RecordType::Find(std::string_view field) const {
  for (const RecordField& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

std::vector<std::string> RecordType::FieldNames() const {
  std::vector<std::string> names;
  for (const RecordField& f : fields) names.push_back(f.name);
  return names;
}

bool IsAssignable(const Type& from, const Type& to) {
  if (from.is_error() || to.is_error()) return true;
  if (from == to) return true;
  if (from.kind() == TypeKind::Int && to.kind() == TypeKind::Decimal) return true;
  if (from.kind() == TypeKind::String && to.kind() == TypeKind::Code) return true;
  if (from.is_collection() && from.kind() == to.kind()) {
    return IsAssignable(from.element(), to.element());
  }
  return false;
}

Type CommonType(const Type& a, const Type& b, bool* ok) {
  *ok = true;
  if (a.is_error()) return b;
  if (b.is_error()) return a;
  if (a == b) {
    // Prefer the side with the more precise element type (`{}` has none).
    return a.contains_error() ? b : a;
  }
  if (a.is_numeric() && b.is_numeric()) return Type::Decimal();
  if ((a.kind() == TypeKind::Code && b.kind() == TypeKind::String) ||
      (a.kind() == TypeKind::String && b.kind() == TypeKind::Code)) {
    return Type::Code();
  }
  if (a.is_collection() && a.kind() == b.kind()) {
    Type element = CommonType(a.element(), b.element(), ok);
    if (!*ok) return Type::Error();
    return a.kind() == TypeKind::Set ? Type::SetOf(element) : Type::ListOf(element);
  }
  *ok = false;
  return Type::Error();
}

const RecordType* MatchRecordType() {
  static const RecordType* const kMatch = [] {
    auto* r = new RecordType;
    r->name = "Match";
    r->qualified_name = "Match";
    // The order is lowering's part numbers (ir::ScreenPart) less one.
    const std::pair<const char*, Type> fields[] = {
        {"id", Type::String()},     {"name", Type::String()}, {"score", Type::Decimal()},
        {"source", Type::String()}, {"row", Type::Int()},     {"list", Type::String()}};
    uint32_t index = 0;
    for (const auto& [name, type] : fields) {
      r->fields.push_back(RecordField{name, type, false, Span{}, index++});
    }
    return r;
  }();
  return kMatch;
}

}  // namespace licit::sema
