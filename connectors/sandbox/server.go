package sandbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"
)

// Server is a running sandbox: one platform front plus the control API on
// one listener.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:PORT".
	URL    string
	Engine *Engine
	srv    *http.Server
	done   chan error
}

// Serve listens on addr ("127.0.0.1:0" picks a free port) and serves the
// front and the control API until Close.
func Serve(addr string, e *Engine, front http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	control := ControlHandler(e)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
			control.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<20)
		front.ServeHTTP(rec, r)
		e.CountCall(r.Method+" "+r.URL.Path, rec.status)
	})
	s := &Server{URL: "http://" + ln.Addr().String(), Engine: e, done: make(chan error, 1),
		srv: &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and the engine's pushes.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	s.Engine.Close()
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
