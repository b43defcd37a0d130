/**
 * The confirmation dialog behind `ConfirmDialog` (./index.tsx), on Atlassian's
 * modal dialog: it traps focus, closes on Escape and returns focus to the
 * opener. Loaded only when a dialog first opens.
 */
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { Button, type ConfirmDialogProps } from './index';

export default function ConfirmDialogImpl({ title, children, confirmLabel, danger, busy, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <ModalTransition>
      <Modal onClose={() => (busy ? undefined : onCancel())} width="small">
        <ModalHeader>
          <ModalTitle {...(danger ? { appearance: 'danger' as const } : {})}>{title}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <div className="stack">{children}</div>
        </ModalBody>
        <ModalFooter>
          <Button kind="subtle" onClick={onCancel} disabled={busy ?? false}>
            Cancel
          </Button>
          <Button kind={danger ? 'danger' : 'primary'} onClick={onConfirm} disabled={busy ?? false}>
            {busy ? 'Working…' : confirmLabel}
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
