// Intentionally empty: the source of a suite binary whose backends all come
// from linked registration objects (see ActorspecFunctions.cmake).
