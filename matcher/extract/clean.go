package extract

// specksArea is the area, in squared ridge wavelengths, below which an enclosed speck of
// ridge or pinhole of valley is flipped before thinning (measured: anything from 0.25 to
// 1 does about as well; 0 is clearly worse).
const specksArea = 0.5

// cleanSpecks flips, inside the finger, the 4-connected components of ridge pixels and
// of valley pixels smaller than minArea that do not touch the edge of the finger: ridge
// specks (pores between ridges, noise) and valley pinholes (pores on ridges), which would
// otherwise thin into short ridges, spurs and lakes, i.e. pairs of false minutiae.
// Components touching the edge of the finger are kept: they may be ridges cut by it.
//
// The components are found on runs: each row (with a frame of background around the
// image) is cut into runs of equal pixels, and runs of the same value that overlap in
// neighbouring rows are joined (union–find); a run touches the edge when a neighbouring
// run (beside, above or below) is background.
func cleanSpecks(m []uint8, w, h int, f *field, minArea int) {
	const outside = 2
	// every row of the framed image has at most w+2 runs
	maxRuns := (w + 2) * (h + 2)
	start := getBuf[int32](&int32Bufs, maxRuns, false) // first x (−1 for the frame)
	end := getBuf[int32](&int32Bufs, maxRuns, false)   // x after the last
	par := getBuf[int32](&int32Bufs, maxRuns, false)   // union–find parent
	area := getBuf[int32](&int32Bufs, maxRuns, false)  // pixels of the component (at its root)
	val := getBuf[uint8](&uint8Bufs, maxRuns, false)   // 0, 1 or outside
	touch := getBuf[uint8](&uint8Bufs, maxRuns, false) // 1: touches the edge of the finger
	rows := getBuf[int32](&int32Bufs, h+3, false)      // first run of each framed row
	defer func() {
		putBuf(&int32Bufs, start)
		putBuf(&int32Bufs, end)
		putBuf(&int32Bufs, par)
		putBuf(&int32Bufs, area)
		putBuf(&uint8Bufs, val)
		putBuf(&uint8Bufs, touch)
		putBuf(&int32Bufs, rows)
	}()
	n := 0
	add := func(x0, x1 int, v uint8) {
		start[n], end[n], val[n], par[n], area[n], touch[n] = int32(x0), int32(x1), v, int32(n), 0, 0
		n++
	}
	for y := -1; y <= h; y++ {
		rows[y+1] = int32(n)
		if y < 0 {
			add(-1, w+1, outside)
			continue
		}
		if y == h {
			add(-1, w+1, outside)
		} else {
			cutRow(m[y*w:(y+1)*w], f.fg[(y/blockSize)*f.bw:(y/blockSize+1)*f.bw], add)
			// runs beside the background touch the edge
			for r := int(rows[y+1]) + 1; r < n-1; r++ {
				if val[r] != outside && (val[r-1] == outside || val[r+1] == outside) {
					touch[r] = 1
				}
			}
		}
		// join with the overlapping runs of the row above
		i, iEnd, j := int(rows[y]), int(rows[y+1]), int(rows[y+1])
		for i < iEnd && j < n {
			switch a, b := val[i], val[j]; {
			case a == b && a != outside:
				union(par, int32(i), int32(j))
			case a == outside && b != outside:
				touch[j] = 1
			case b == outside && a != outside:
				touch[i] = 1
			}
			switch {
			case end[i] < end[j]:
				i++
			case end[i] > end[j]:
				j++
			default:
				i, j = i+1, j+1
			}
		}
	}
	for r := range n {
		if val[r] != outside {
			root := find(par, int32(r))
			area[root] += end[r] - start[r]
			touch[root] |= touch[r]
		}
	}
	for y := range h {
		for r := rows[y+1]; r < rows[y+2]; r++ {
			v := val[r]
			if v == outside {
				continue
			}
			if root := find(par, r); touch[root] == 0 && int(area[root]) < minArea {
				o := m[y*w+int(start[r]) : y*w+int(end[r])]
				for k := range o {
					o[k] = 1 - v
				}
			}
		}
	}
}

// cutRow cuts a row of the map into runs of equal pixels (outside the finger: the
// value 2), from x = −1 to w+1 with the frame, and hands them to add.
func cutRow(row []uint8, fgRow []bool, add func(x0, x1 int, v uint8)) {
	const outside = 2
	w := len(row)
	x0, cur := -1, uint8(outside)
	for x := range w {
		v := uint8(outside)
		if fgRow[x/blockSize] {
			v = row[x]
		}
		if v != cur {
			add(x0, x, cur)
			x0, cur = x, v
		}
	}
	if cur != outside {
		add(x0, w, cur)
		x0 = w
	}
	add(x0, w+1, outside)
}

// find returns the root of i's set, halving the path on the way.
func find(par []int32, i int32) int32 {
	for par[i] != i {
		par[i] = par[par[i]]
		i = par[i]
	}
	return i
}

// union joins the sets of a and b under the smaller root.
func union(par []int32, a, b int32) {
	ra, rb := find(par, a), find(par, b)
	switch {
	case ra < rb:
		par[rb] = ra
	case rb < ra:
		par[ra] = rb
	}
}
