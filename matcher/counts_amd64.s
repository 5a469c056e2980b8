//go:build amd64 && !purego

#include "textflag.h"
#include "go_asm.h"

// func countsRowPOPCNT(r *rowCylinder, bcyl *uint64, cand *int16, n int, out *cylCounts, full bool)
// For each of the n cylinders j = cand[k] of bcyl (cylStride words each), the counts of
// countsGo go to out[j]; with full set, the cylinders all lie wholly on the finger and oa
// is 0 without counting. The callers' cand indices are within bcyl and out.
TEXT ·countsRowPOPCNT(SB), NOSPLIT, $0-41
	MOVQ r+0(FP), DI
	MOVQ bcyl+8(FP), R12
	MOVQ cand+16(FP), R13
	CMPQ n+24(FP), $0
	JEQ rowdone
rowloop:
	MOVWQSX (R13), SI
	MOVQ SI, R11
	IMULQ $cylCounts__size, R11
	ADDQ out+32(FP), R11
	IMULQ $(const_cylStride*8), SI
	ADDQ R12, SI

	MOVQ rowCylinder_nnz(DI), CX
	XORQ AX, AX
	XORQ BX, BX
	XORQ DX, DX
	TESTQ CX, CX
	JEQ rnabdone
	CMPB full+40(FP), $0
	JNE fnabloop
rnabloop:
	MOVBQZX rowCylinder_nzw(DI)(DX*1), R8
	MOVQ rowCylinder_nzv(DI)(DX*8), R9
	MOVQ (const_cylWords*8)(SI)(R8*8), R10
	NOTQ R10
	ANDQ R9, R10
	ANDQ (SI)(R8*8), R9
	POPCNTQ R9, R9
	ADDQ R9, AX
	POPCNTQ R10, R10
	ADDQ R10, BX
	INCQ DX
	CMPQ DX, CX
	JLT rnabloop
	JMP rnabdone
fnabloop:
	MOVBQZX rowCylinder_nzw(DI)(DX*1), R8
	MOVQ rowCylinder_nzv(DI)(DX*8), R9
	ANDQ (SI)(R8*8), R9
	POPCNTQ R9, R9
	ADDQ R9, AX
	INCQ DX
	CMPQ DX, CX
	JLT fnabloop
rnabdone:
	MOVL AX, cylCounts_nab(R11)
	MOVL BX, cylCounts_oa(R11)

	MOVQ rowCylinder_npart(DI), CX
	XORQ AX, AX
	XORQ DX, DX
	TESTQ CX, CX
	JEQ robdone
robloop:
	MOVBQZX rowCylinder_partw(DI)(DX*1), R8
	MOVQ rowCylinder_invm(DI)(DX*8), R9
	ANDQ (SI)(R8*8), R9
	POPCNTQ R9, R9
	ADDQ R9, AX
	INCQ DX
	CMPQ DX, CX
	JLT robloop
robdone:
	MOVL AX, cylCounts_ob(R11)

	ADDQ $2, R13
	DECQ n+24(FP)
	JNE rowloop
rowdone:
	RET
