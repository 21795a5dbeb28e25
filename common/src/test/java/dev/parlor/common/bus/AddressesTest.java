package dev.parlor.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AddressesTest {
  @Test
  void aRoomShardAddressNamesItsNode() {
    assertEquals("3f2a-9c", Addresses.nodeOfRoomShard(Addresses.roomShard("3f2a-9c", 12)));
  }

  @Test
  void otherAddressesNameNoNode() {
    assertNull(Addresses.nodeOfRoomShard(Addresses.gateway("g-1")));
    assertNull(Addresses.nodeOfRoomShard(Addresses.PERSISTENCE));
    assertNull(Addresses.nodeOfRoomShard("parlor.room."));
  }
}
