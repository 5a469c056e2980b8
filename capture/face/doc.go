// Package face checks a camera still against the photo rules of ICAO Doc 9303 and
// ISO/IEC 19794-5 (the "full frontal" and "token" face image types) and crops the accepted
// photo to the token geometry.
//
// Detection uses pigo (github.com/esimov/pigo), a pixel-intensity-comparison cascade: a
// face finder, a pupil localiser and facial-landmark localisers (mouth), whose cascade files
// are embedded (see cascade/README.md for their origin and licence). The pupil localiser
// starts from random perturbations of its start point, so each pupil is localised several
// times and the median kept; the eye on the image's right is localised with the cascade
// mirrored, which removes a tilt bias of about 5° (detect.go).
//
// The checks, each failing with a reason the officer can act on:
//
//   - exactly one face in the picture;
//   - inter-eye distance (pupil centre to pupil centre) of at least 90 pixels, 120
//     recommended (ISO/IEC 19794-5 asks for 90 for a full frontal image, 120 preferred);
//   - eyes level: roll within ±8°; face turned to the camera (yaw estimated from the mouth
//     centre against the eye midpoint);
//   - head centred and of the right size: the token crop (below) fits in the picture and
//     the eye midpoint lies near the picture's vertical axis;
//   - neutral expression: no teeth showing between the mouth corners (an open mouth or a
//     broad smile);
//   - exposure and contrast of the face: mean luminance, spread, clipped pixels;
//   - sharpness: the energy of the Laplacian over the face, measured at a fixed scale (the
//     face resampled so that the eyes are 64 px apart) so it does not depend on distance;
//   - background uniformity: the spread and edge energy of the token crop's background
//     where no head reaches, whatever its hair (the band along the top edge and the bands
//     along the sides down to the eye line).
//
// The token geometry (ISO/IEC 19794-5 §8.4): an image of width W and height W/0.75, eyes at
// distance W/4, eye midpoint on the vertical centre line at 0.6·W from the top. Check
// crops and resamples the still to that geometry with the eyes 120 px apart (480 × 640), or at
// the native scale when the eyes are closer than 120 px, and encodes it as JPEG.
package face
