// The checker's types (language.md section 6): a small value type, cheap to copy and compare.
// Record types are owned by the CheckedProgram and referred to by pointer, so two records with
// the same fields in different modules stay distinct types, as nominal typing expects.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/code.h"  // IsValidCode, used with types
#include "base/source.h"

namespace licit::sema {

enum class TypeKind : uint8_t {
  // Stands for "already diagnosed": compatible with everything so one mistake reports once.
  Error,
  Bool,
  Int,
  Decimal,
  String,
  Date,
  Country,
  Money,
  Code,
  Set,
  List,
  Record,
  // Not a value type: the right side of `in` when it names a country group.
  Group,
  // Not a value type: the right side of `matches` (and match()'s second argument) when it names a
  // restricted-party list.
  PartyList,
};

struct RecordType;

class Type {
 public:
  Type() = default;  // Error
  static Type Error() { return Type(TypeKind::Error); }
  static Type Bool() { return Type(TypeKind::Bool); }
  static Type Int() { return Type(TypeKind::Int); }
  static Type Decimal() { return Type(TypeKind::Decimal); }
  static Type String() { return Type(TypeKind::String); }
  static Type Date() { return Type(TypeKind::Date); }
  static Type Country() { return Type(TypeKind::Country); }
  static Type Money() { return Type(TypeKind::Money); }
  static Type Code() { return Type(TypeKind::Code); }
  static Type Group() { return Type(TypeKind::Group); }
  static Type PartyList() { return Type(TypeKind::PartyList); }
  static Type SetOf(Type element);
  static Type ListOf(Type element);
  static Type RecordOf(const RecordType* record);

  TypeKind kind() const { return kind_; }
  bool is_error() const { return kind_ == TypeKind::Error; }
  bool is_numeric() const { return kind_ == TypeKind::Int || kind_ == TypeKind::Decimal; }
  bool is_collection() const { return kind_ == TypeKind::Set || kind_ == TypeKind::List; }
  // The element type of a set or list (Error for `{}` and for non-collections).
  Type element() const;
  const RecordType* record() const { return record_; }
  // True when the type or any element type is Error: such types never produce new diagnostics.
  bool contains_error() const;

  // Structural equality; records compare by identity.
  bool operator==(const Type& other) const;

  // `set<string>`, `Shipment`, `<error>`.
  std::string ToString() const;

 private:
  explicit Type(TypeKind kind) : kind_(kind) {}
  TypeKind kind_ = TypeKind::Error;
  std::shared_ptr<const Type> element_;  // Set, List
  const RecordType* record_ = nullptr;   // Record
};

struct RecordField {
  std::string name;
  Type type;
  bool optional = false;  // declared `T?`: may be missing, hence unknown at run time
  Span span;              // the field's declaration
  uint32_t index = 0;     // position in the record
};

// A declared record type. Fields keep declaration order (the index is the IR's slot number).
struct RecordType {
  std::string name;            // "Shipment"
  std::string qualified_name;  // "std.trade.Shipment"
  Span span;                   // the declaration's name
  std::vector<RecordField> fields;

  const RecordField* Find(std::string_view field) const;
  std::vector<std::string> FieldNames() const;
};

// Is a value of type `from` usable where `to` is expected, with the language's implicit
// conversions (int -> decimal; string -> code, elementwise for sets and lists)? Error types are
// always assignable.
// The record match(P, L) gives (screening.md): the best entry of the list for the party.
// Fields: id, name, score, source, row, list.
const RecordType* MatchRecordType();

bool IsAssignable(const Type& from, const Type& to);

// The common type of two operands or branches (int+decimal -> decimal, `{}` + set<T> -> set<T>),
// or nullopt-like Error with *ok=false when they have none.
Type CommonType(const Type& a, const Type& b, bool* ok);

}  // namespace licit::sema
