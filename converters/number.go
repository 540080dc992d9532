package converters

import (
	"errors"
	"math"
	"math/big"
	"strconv"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/jsontext"
)

// appendJavaDouble appends f as Java's Double.toString does ("1.0",
// "1.0E10", "-0.0", "NaN", "Infinity"), using the shortest digits that round
// trip. Java 19 and later print the same; Java 17 occasionally prints one
// more digit than needed (1.0E23 as 9.999999999999999E22).
func appendJavaDouble(b []byte, f float64) []byte { return appendJavaFloatBits(b, f, 64) }

// appendJavaFloat appends f as Java's Float.toString does.
func appendJavaFloat(b []byte, f float32) []byte { return appendJavaFloatBits(b, float64(f), 32) }

func appendJavaFloatBits(b []byte, f float64, bits int) []byte {
	return jsontext.AppendJavaDouble(b, f, bits)
}

// appendJavaDecimal appends d as Java's BigDecimal.toString does: plain
// ("123.45", "0.0000012") unless the scale is negative or the adjusted
// exponent is below -6, then scientific ("1.23E+4", "1E-10", "0E-8").
func appendJavaDecimal(b []byte, d connect.Decimal) []byte {
	s := d.Unscaled.String()
	if s[0] == '-' {
		b = append(b, '-')
		s = s[1:]
	}
	scale := int64(d.Scale)
	if scale == 0 {
		return append(b, s...)
	}
	adjusted := -scale + int64(len(s)-1)
	if scale > 0 && adjusted >= -6 {
		point := int64(len(s)) - scale
		if point > 0 {
			b = append(b, s[:point]...)
			b = append(b, '.')
			return append(b, s[point:]...)
		}
		b = append(b, '0', '.')
		for i := point; i < 0; i++ {
			b = append(b, '0')
		}
		return append(b, s...)
	}
	b = append(b, s[0])
	if len(s) > 1 {
		b = append(b, '.')
		b = append(b, s[1:]...)
	}
	b = append(b, 'E')
	if adjusted >= 0 {
		b = append(b, '+')
	}
	return strconv.AppendInt(b, adjusted, 10)
}

var errDecimalSyntax = errors.New("not a decimal number")

// parseJavaDecimal parses text the way Java's new BigDecimal(String) does,
// keeping the scale the text implies ("1.50" has scale 2, "1.5E+3" scale -2).
// Only ASCII digits are accepted.
func parseJavaDecimal(s []byte) (connect.Decimal, error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var small int64
	frac := int64(0)
	seenPoint := false
	nDigits := 0
	mantStart := i
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if seenPoint {
				return connect.Decimal{}, errDecimalSyntax
			}
			seenPoint = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		if nDigits < 18 {
			small = small*10 + int64(c-'0')
		}
		nDigits++
		if seenPoint {
			frac++
		}
	}
	if nDigits == 0 {
		return connect.Decimal{}, errDecimalSyntax
	}
	mantissa := s[mantStart:i]
	exp := int64(0)
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return connect.Decimal{}, errDecimalSyntax
		}
		i++
		start := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) {
			return connect.Decimal{}, errDecimalSyntax
		}
		for j := i; j < len(s); j++ {
			if s[j] < '0' || s[j] > '9' {
				return connect.Decimal{}, errDecimalSyntax
			}
		}
		e, err := strconv.ParseInt(string(s[start:]), 10, 32)
		if err != nil {
			return connect.Decimal{}, errDecimalSyntax
		}
		exp = e
	}
	scale := frac - exp
	if scale < math.MinInt32 || scale > math.MaxInt32 {
		return connect.Decimal{}, errDecimalSyntax
	}
	var u *big.Int
	if nDigits <= 18 {
		u = big.NewInt(small)
	} else {
		digits := make([]byte, 0, nDigits)
		for _, c := range mantissa {
			if c != '.' {
				digits = append(digits, c)
			}
		}
		u, _ = new(big.Int).SetString(string(digits), 10)
	}
	if neg {
		u.Neg(u)
	}
	return connect.Decimal{Unscaled: u, Scale: int32(scale)}, nil
}

// decimalBytes returns x as Java's BigInteger.toByteArray does: the shortest
// big-endian two's complement form, at least one byte.
func decimalBytes(x *big.Int) []byte {
	if x.Sign() >= 0 {
		b := x.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// -x-1 has the complement of x's bits.
	y := new(big.Int).Neg(x)
	y.Sub(y, big.NewInt(1))
	b := y.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// decimalFromBytes is the inverse of decimalBytes, as Java's
// new BigInteger(byte[]).
func decimalFromBytes(b []byte) (*big.Int, error) {
	if len(b) == 0 {
		return nil, errors.New("decimal has zero-length bytes")
	}
	x := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return x, nil
}
