//go:build amd64 && !purego

#include "textflag.h"
#include "go_asm.h"

// func countsPOPCNT(r *rowCylinder, cb *[cylStride]uint64, mbPart uint32) (oa, ob, nab int)
// The word indices come from rowCylinder.gather and cylMasks (all below cylWords), so
// every access stays inside the cylinders.
TEXT ·countsPOPCNT(SB), NOSPLIT, $0-48
	MOVQ r+0(FP), DI
	MOVQ cb+8(FP), SI

	// nab: the row's non-zero value words against cb's
	MOVQ rowCylinder_nnz(DI), CX
	XORQ AX, AX
	XORQ DX, DX
	TESTQ CX, CX
	JEQ nabdone
nabloop:
	MOVBQZX rowCylinder_nzw(DI)(DX*1), R8
	MOVQ rowCylinder_nzv(DI)(DX*8), R9
	ANDQ (SI)(R8*8), R9
	POPCNTQ R9, R9
	ADDQ R9, AX
	INCQ DX
	CMPQ DX, CX
	JLT nabloop
nabdone:
	MOVQ AX, nab+40(FP)

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
	MOVQ AX, ob+32(FP)

	// oa: the row's value bits on cb's invalid cells, over the row's non-zero words
	// among cb's partial validity words
	MOVL (rowCylinder_m+cylMasks_nz)(DI), BX
	ANDL mbPart+16(FP), BX
	MOVQ rowCylinder_ca(DI), DI
	XORQ AX, AX
	TESTL BX, BX
	JEQ oadone
oaloop:
	BSFL BX, R8
	MOVQ (DI)(R8*8), R9
	MOVQ (const_cylWords*8)(SI)(R8*8), R10
	NOTQ R10
	ANDQ R10, R9
	POPCNTQ R9, R9
	ADDQ R9, AX
	LEAL -1(BX), R10
	ANDL R10, BX
	JNE oaloop
oadone:
	MOVQ AX, oa+24(FP)
	RET
