package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/enrolld/enrolld/capture/record/iso19794"
)

// recordDumpISO prints an ISO/IEC 19794-4 finger or 19794-5 face record, one value per
// line, image data as its size. It reports false if b is neither.
func recordDumpISO(w io.Writer, b []byte) (bool, error) {
	switch {
	case bytes.HasPrefix(b, []byte("FIR\x00")):
		r, err := iso19794.DecodeFinger(b)
		if err != nil {
			return true, err
		}
		fmt.Fprintf(w, "format=ISO/IEC 19794-4:2005 finger image\ncapture_device=%d\nacquisition_level=%d\nscale_units=%d\n"+
			"scan_resolution=%dx%d\nimage_resolution=%dx%d\npixel_depth=%d\ncompression=%d\nviews=%d\n",
			r.CaptureDevice, r.AcquisitionLevel, r.ScaleUnits, r.ScanResH, r.ScanResV, r.ImageResH, r.ImageResV,
			r.PixelDepth, r.Compression, len(r.Views))
		for i, v := range r.Views {
			fmt.Fprintf(w, "view.%d position=%d view=%d/%d quality=%d impression=%d size=%dx%d data=<%d bytes>\n",
				i+1, v.Position, v.ViewNumber, v.ViewCount, v.Quality, v.Impression, v.Width, v.Height, len(v.Data))
		}
		return true, nil
	case bytes.HasPrefix(b, []byte("FAC\x00")):
		r, err := iso19794.DecodeFace(b, nil)
		if err != nil {
			return true, err
		}
		fmt.Fprintf(w, "format=ISO/IEC 19794-5:2005 face image\nfaces=%d\n", len(r.Faces))
		if r.LengthSlack != 0 {
			fmt.Fprintf(w, "warning=record length field is off by %d bytes\n", r.LengthSlack)
		}
		for i, f := range r.Faces {
			fmt.Fprintf(w, "face.%d gender=%d eyes=%d hair=%d expression=%d pose=%v feature_points=%d image_type=%d data_type=%d size=%dx%d colour_space=%d source=%d data=<%d bytes>\n",
				i+1, f.Gender, f.EyeColor, f.HairColor, f.Expression, f.Pose, len(f.FeaturePoints), f.ImageType, f.DataType,
				f.Width, f.Height, f.ColorSpace, f.SourceType, len(f.Data))
			if f.BlockLengthSlack != 0 {
				fmt.Fprintf(w, "face.%d warning=block length field is off by %d bytes\n", i+1, f.BlockLengthSlack)
			}
		}
		return true, nil
	}
	return false, nil
}
