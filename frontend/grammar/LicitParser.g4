// Licit's syntax (language.md sections 2-4, 7, 10). Every declaration begins with SEP, which the
// token source inserts before tokens in column 1 outside brackets; that is what lets the parser
// report a missing clause where it is and recover at the next declaration.
parser grammar LicitParser;

options { tokenVocab = LicitLexer; }

file : (SEP declaration)* EOF ;

declaration
  : policyDecl
  | importDecl
  | recordDecl
  | inputDecl
  | letDecl
  | classDecl
  | groupDecl
  | listDecl
  | ruleDecl
  | conciseRule
  | exceptionDecl
  | suspendDecl
  | defaultDecl
  | testDecl
  ;

// policy a.b.c  title "..."  jurisdiction CN  version "..."  (metadata keys are checked later)
policyDecl : POLICY dottedName policyMeta* ;
policyMeta : NAME (STRING | NAME) ;

importDecl : IMPORT (dottedName | STRING) (AS NAME)? ;

recordDecl : RECORD NAME LBRACE (fieldDecl (COMMA fieldDecl)* COMMA?)? RBRACE ;
fieldDecl  : anyName COLON typeRef ;
typeRef    : qualifiedRef (LT typeRef GT)? QUESTION? ;

inputDecl : INPUT qualifiedRef ;
letDecl   : LET NAME ASSIGN expr ;
classDecl : CLASS NAME ASSIGN expr ;

groupDecl   : GROUP NAME ASSIGN LBRACE (groupMember (COMMA groupMember)* COMMA?)? RBRACE ;
groupMember : qualifiedRef memberBound* ;
memberBound : (SINCE | UNTIL) dateBound ;

// list NAME = "file.csv" [format csl] [cleared "file.csv"] [match 0.92] [review 0.85]
//   [because "..."] [cite "..."]   (screening.md). `list` is not a keyword: the type `list<T>` and
// fields named `list` stay valid; a declaration starting with a name followed by a name is a list,
// and the builder checks that the first name is `list`. Options are checked by the builder too.
listDecl   : NAME NAME ASSIGN STRING listOption* ;
listOption : (NAME | REVIEW | BECAUSE | CITE) (NAME | STRING | DECIMAL | INT) ;

// rule NAME: EFFECT [SCOPE] clauses...
ruleDecl : RULE NAME COLON effect scope? clause* ;
scope    : qualifiedRef (TO destinations)?
         | TO destinations
         ;
destinations : ANY (EXCEPT destList)?
             | destList (EXCEPT destList)?
             ;
destList : qualifiedRef (COMMA qualifiedRef)* ;

// CLASS to DESTS: EFFECT [since D] [until D] [because "..."] [cite "..."]
conciseRule : qualifiedRef TO destinations COLON effect clause* ;

// An exception has no effect or scope; accepting them here lets the builder say so plainly.
exceptionDecl : EXCEPTION NAME FOR nameList COLON (effect scope? | scope)? clause* ;
suspendDecl   : SUSPEND nameList FROM dateBound clause* ;
defaultDecl   : DEFAULT effect ;
testDecl      : TEST STRING LBRACE GIVEN expr EXPECT effect (BY nameList)? RBRACE ;

// Which clauses each declaration accepts, and that none repeats, is checked by the AST builder,
// so the author gets "`when` given twice" rather than a bare syntax error.
clause
  : WHEN expr
  | UNLESS expr
  | SINCE dateBound
  | UNTIL dateBound
  | BECAUSE STRING
  | CITE STRING
  ;

// Only `license` takes a name; the others accept one so the builder can explain the mistake.
effect    : (DENY | LICENSE | REVIEW | EXEMPT | ALLOW) STRING? ;
dateBound : DATE | MONTH ;
nameList  : NAME (COMMA NAME)* ;

dottedName   : NAME (DOT anyName)* ;
qualifiedRef : NAME (DOT NAME)* ;

// Expressions, loosest first (language.md section 7).
expr
  : IF expr THEN expr ELSE expr   # ifExpr
  | orExpr                        # plainExpr
  ;
orExpr  : andExpr (OR andExpr)* ;
andExpr : notExpr (AND notExpr)* ;
notExpr : NOT notExpr | cmpExpr ;
// Comparisons do not chain; the builder reports `a < b < c` with its own diagnostic.
cmpExpr : addExpr (cmpOp addExpr)* ;
cmpOp   : EQ | NE | LT | LE | GT | GE | IN | NOT IN | UNDER | NOT UNDER | MATCHES ;
addExpr : mulExpr ((PLUS | MINUS) mulExpr)* ;
mulExpr : unaryExpr ((STAR | SLASH | PERCENT) unaryExpr)* ;
unaryExpr   : MINUS unaryExpr | postfixExpr ;
postfixExpr : primary (DOT anyName)* ;

primary
  : INT                                                   # intLit
  | DECIMAL                                               # decimalLit
  | STRING                                                # stringLit
  | (TRUE | FALSE)                                        # boolLit
  | DATE                                                  # dateLit
  | MONTH                                                 # monthLit
  | MONEY                                                 # moneyLit
  | NAME LPAREN (expr (COMMA expr)* COMMA?)? RPAREN       # callExpr
  | NAME                                                  # nameRef
  | QNAME                                                 # quotedNameRef
  | LPAREN expr RPAREN                                    # parenExpr
  | LBRACE RBRACE                                         # emptyBraces
  | LBRACE recordInit (COMMA recordInit)* COMMA? RBRACE   # recordLit
  | LBRACE expr (COMMA expr)* COMMA? RBRACE               # setLit
  | LBRACKET (expr (COMMA expr)* COMMA?)? RBRACKET        # listLit
  ;
recordInit : anyName COLON expr ;

// Keywords are allowed as field names after `.`, in record types and in record literals.
anyName
  : NAME
  | POLICY | IMPORT | AS | INPUT | RECORD | LET | CLASS | GROUP | RULE | EXCEPTION | FOR
  | SUSPEND | FROM | SINCE | UNTIL | WHEN | UNLESS | BECAUSE | CITE | TO | ANY | EXCEPT
  | ALLOW | DENY | REVIEW | LICENSE | EXEMPT | DEFAULT | TEST | GIVEN | EXPECT | BY
  | AND | OR | NOT | IN | UNDER | MATCHES | IF | THEN | ELSE | TRUE | FALSE
  ;
