package connect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTopicPartitionString(t *testing.T) {
	tests := []struct {
		tp   TopicPartition
		want string
	}{
		{TopicPartition{Topic: "orders", Partition: 0}, "orders-0"},
		{TopicPartition{Topic: "orders", Partition: 12}, "orders-12"},
		// Topic names may contain dashes; Kafka's format is ambiguous too.
		{TopicPartition{Topic: "a-b", Partition: 3}, "a-b-3"},
		{TopicPartition{}, "-0"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.tp.String())
		})
	}
}

func TestTimestampTypeString(t *testing.T) {
	tests := []struct {
		typ  TimestampType
		want string
	}{
		{NoTimestampType, "NoTimestampType"},
		{CreateTime, "CreateTime"},
		{LogAppendTime, "LogAppendTime"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.typ.String())
		})
	}
}

func TestHeaders(t *testing.T) {
	var h Headers
	h = h.Add("trace", StringSchema, "t1").
		Add("tenant", nil, []byte("acme")).
		Add("trace", StringSchema, "t2").
		Add("trace", StringSchema, "t3")

	t.Run("order", func(t *testing.T) {
		var keys []string
		for _, hd := range h {
			keys = append(keys, hd.Key)
		}
		assert.Equal(t, []string{"trace", "tenant", "trace", "trace"}, keys)
	})

	tests := []struct {
		key      string
		wantLast any
		wantOK   bool
		wantAll  []any
	}{
		{key: "trace", wantLast: "t3", wantOK: true, wantAll: []any{"t1", "t2", "t3"}},
		{key: "tenant", wantLast: []byte("acme"), wantOK: true, wantAll: []any{[]byte("acme")}},
		{key: "missing", wantOK: false},
		{key: "Trace", wantOK: false}, // keys are case-sensitive, as in Kafka
		{key: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run("key="+tt.key, func(t *testing.T) {
			last, ok := h.Last(tt.key)
			assert.Equal(t, tt.wantOK, ok)
			if tt.wantOK {
				assert.Equal(t, tt.key, last.Key)
				assert.Equal(t, tt.wantLast, last.Value)
			} else {
				assert.Equal(t, Header{}, last)
			}

			all := h.All(tt.key)
			var values []any
			for _, hd := range all {
				assert.Equal(t, tt.key, hd.Key)
				values = append(values, hd.Value)
			}
			assert.Equal(t, tt.wantAll, values)
			if !tt.wantOK {
				assert.Empty(t, all)
			}
		})
	}

	t.Run("schema kept", func(t *testing.T) {
		last, _ := h.Last("trace")
		assert.Same(t, StringSchema, last.Schema)
		tenant, _ := h.Last("tenant")
		assert.Nil(t, tenant.Schema)
	})

	t.Run("nil headers", func(t *testing.T) {
		var none Headers
		_, ok := none.Last("trace")
		assert.False(t, ok)
		assert.Empty(t, none.All("trace"))
	})
}

func TestSinkRecordStringOmitsContent(t *testing.T) {
	const secret = "s3cr3t-p4ss"
	tests := []struct {
		name string
		rec  SinkRecord
		want string
	}{
		{
			name: "string key and value",
			rec:  SinkRecord{Topic: "orders", Partition: 2, Offset: 42, Key: secret, Value: secret},
			want: "orders-2@42",
		},
		{
			name: "bytes and headers",
			rec: SinkRecord{Topic: "t", Partition: 0, Offset: 0, Key: []byte(secret), Value: []byte(secret),
				Headers: Headers{{Key: secret, Value: secret}}, Timestamp: time.Unix(1, 0), TimestampType: CreateTime},
			want: "t-0@0",
		},
		{
			name: "struct value",
			rec: SinkRecord{Topic: "users", Partition: 7, Offset: 9,
				ValueSchema: StructSchema("user", Field{Name: "password", Schema: StringSchema}),
				Value: NewStruct(StructSchema("user", Field{Name: "password", Schema: StringSchema})).
					MustPut("password", secret)},
			want: "users-7@9",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.rec.String()
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, secret)
			assert.NotContains(t, RecordError{Record: &tt.rec, Err: assert.AnError}.Error(), secret)
		})
	}
}

func TestSinkRecordTopicPartition(t *testing.T) {
	r := SinkRecord{Topic: "orders", Partition: 3, Offset: 10}
	assert.Equal(t, TopicPartition{Topic: "orders", Partition: 3}, r.TopicPartition())
}
