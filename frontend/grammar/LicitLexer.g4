// Licit's tokens (language.md section 2). Layout is not handled here: the token source in
// compiler/syntax/token_source.cpp inserts a SEP token before every token that starts in column 1
// outside brackets, so each declaration begins with SEP.
lexer grammar LicitLexer;

tokens { SEP }

@lexer::members {
  // A money literal's currency must not run on into a longer name ("5 USDX").
  static bool IsNameChar(size_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
}

// Keywords. `title`, `jurisdiction`, `version` and type names are deliberately not keywords.
POLICY    : 'policy';
IMPORT    : 'import';
AS        : 'as';
INPUT     : 'input';
RECORD    : 'record';
LET       : 'let';
CLASS     : 'class';
GROUP     : 'group';
RULE      : 'rule';
EXCEPTION : 'exception';
FOR       : 'for';
SUSPEND   : 'suspend';
FROM      : 'from';
SINCE     : 'since';
UNTIL     : 'until';
WHEN      : 'when';
UNLESS    : 'unless';
BECAUSE   : 'because';
CITE      : 'cite';
TO        : 'to';
ANY       : 'any';
EXCEPT    : 'except';
ALLOW     : 'allow';
DENY      : 'deny';
REVIEW    : 'review';
LICENSE   : 'license';
EXEMPT    : 'exempt';
DEFAULT   : 'default';
TEST      : 'test';
GIVEN     : 'given';
EXPECT    : 'expect';
BY        : 'by';
AND       : 'and';
OR        : 'or';
NOT       : 'not';
IN        : 'in';
UNDER     : 'under';
MATCHES   : 'matches';
IF        : 'if';
THEN      : 'then';
ELSE      : 'else';
TRUE      : 'true';
FALSE     : 'false';

// Literals. Longest match makes `2026-01-06` one DATE token and `1200.00 USD` one MONEY token.
MONEY   : DIGITS ('.' DIGITS)? [ \t]+ [A-Z] [A-Z] [A-Z] {!IsNameChar(_input->LA(1))}? ;
DATE    : D D D D '-' D D '-' D D ;
MONTH   : D D D D '-' D D ;
DECIMAL : DIGITS '.' DIGITS ;
INT     : DIGITS ;
STRING  : '"' (ESC | ~["\\\r\n])* '"' ;
// A string with no closing quote on its line; reported by the parser front end.
UNTERMINATED_STRING : '"' (ESC | ~["\\\r\n])* ;

// Names: letters, digits and `_`, then kebab segments that each contain a letter, so
// `dual-use` and `LVS-1C010` are names while `a-1` and `x-2026` are subtractions.
NAME  : [A-Za-z_] [A-Za-z0-9_]* ('-' SEGMENT)* ;
QNAME : '`' [A-Za-z_] [A-Za-z0-9_]* ('-' SEGMENT)* '`' ;

LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACE   : '{' ;
RBRACE   : '}' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
COMMA    : ',' ;
COLON    : ':' ;
DOT      : '.' ;
EQ       : '==' ;
NE       : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
ASSIGN   : '=' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;
QUESTION : '?' ;

COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS      : [ \t\r\n]+ -> skip ;

// Anything else becomes one token the parser front end reports as an unexpected character.
ERROR_CHAR : . ;

fragment D       : [0-9] ;
fragment DIGITS  : [0-9]+ ;
fragment SEGMENT : [A-Za-z0-9_]* [A-Za-z] [A-Za-z0-9_]* ;
fragment ESC     : '\\' ~[\r\n] ;
