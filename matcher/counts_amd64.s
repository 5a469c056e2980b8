//go:build amd64 && !purego

#include "textflag.h"
#include "go_asm.h"

// func countsPOPCNT(r *rowCylinder, cb *[cylStride]uint64) (oa, ob, nab int)
// The word indices come from rowCylinder.gather (all below cylWords), so every access
// stays inside the cylinders. Both loops run a fixed number of times for the whole row:
// oa is counted on every non-zero word of the row (a word of cb's validity that is all
// ones adds nothing), rather than on the words that are partial in cb, whose number
// changes from one cylinder of b to the next and defeats branch prediction.
TEXT ·countsPOPCNT(SB), NOSPLIT, $0-40
	MOVQ r+0(FP), DI
	MOVQ cb+8(FP), SI

	// nab and oa: the row's non-zero value words against cb's value and validity words
	MOVQ rowCylinder_nnz(DI), CX
	XORQ AX, AX
	XORQ BX, BX
	XORQ DX, DX
	TESTQ CX, CX
	JEQ nabdone
nabloop:
	MOVBQZX rowCylinder_nzw(DI)(DX*1), R8
	MOVQ rowCylinder_nzv(DI)(DX*8), R9
	MOVQ (const_cylWords*8)(SI)(R8*8), R10
	MOVQ R9, R11
	ANDQ (SI)(R8*8), R9
	POPCNTQ R9, R9
	ADDQ R9, AX
	NOTQ R10
	ANDQ R10, R11
	POPCNTQ R11, R11
	ADDQ R11, BX
	INCQ DX
	CMPQ DX, CX
	JLT nabloop
nabdone:
	MOVQ AX, nab+32(FP)
	MOVQ BX, oa+16(FP)

	// ob: cb's value bits on the row's invalid cells (inverted partial validity words)
	MOVQ rowCylinder_npart(DI), CX
	XORQ AX, AX
	XORQ DX, DX
	TESTQ CX, CX
	JEQ obdone
obloop:
	MOVBQZX rowCylinder_partw(DI)(DX*1), R8
	MOVQ rowCylinder_invm(DI)(DX*8), R9
	ANDQ (SI)(R8*8), R9
	POPCNTQ R9, R9
	ADDQ R9, AX
	INCQ DX
	CMPQ DX, CX
	JLT obloop
obdone:
	MOVQ AX, ob+24(FP)
	RET
