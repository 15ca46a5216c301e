// An identity a connection has proven: the automatic `ip`, each `digest` from an auth packet,
// and `super`. ZooKeeper: the connection's authInfo (List<Id>).

export interface Identity {
  scheme: string;
  id: string;
}
